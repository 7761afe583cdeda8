/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createFakeZafClient, ok, requestsTo } from '../helpers/fake-zaf-client';
import { renderApp } from '../helpers/render-app';
import { ALL_TEMPLATES, bridgeFailure, fakeBridge, ORDER_UPDATE_IT, REJECTED_IT, SUMMER_SALE_PAUSED, templateList } from './template-fixtures';

const FACTS = { 'ticket.requester.name': 'Giulia Rossi', 'currentUser.name': 'Marco Bianchi', 'currentUser.id': 7 };

async function openPicker(options: { locale?: string; bridge?: Parameters<typeof fakeBridge>[0]; waitForList?: boolean } = {}) {
  const client = createFakeZafClient({ locale: options.locale ?? 'en', values: FACTS, respond: fakeBridge(options.bridge) });
  renderApp(client);
  const picker = await screen.findByRole('region', { name: /^(Send a template|Invia un modello|Enviar um modelo|Enviar una plantilla|发送模板)$/ });
  if (options.waitForList !== false) await within(picker).findAllByRole('combobox');
  return { client, picker };
}

const names = (list: HTMLElement) => within(list).getAllByRole('button').map((button) => button.querySelector('span')?.textContent);

describe('the template picker: search and filters', () => {
  it('when the agent works in Italian, then it opens on the Italian templates and says how many of all', async () => {
    const { picker } = await openPicker({ locale: 'it' });
    const list = await within(picker).findByRole('list', { name: 'Modelli' });
    expect(names(list)).toEqual(['order_update', 'promo_aggressiva']);
    expect((within(picker).getByRole('combobox', { name: 'Lingua' }) as HTMLSelectElement).value).toBe('it');
    expect(within(picker).getByText('2 di 7 modelli')).toBeTruthy();
    // name, language, category and status are on each row
    const row = within(list).getAllByRole('button')[0];
    expect(row.textContent).toMatch(/order_update.*italiano \(it\).*Servizio.*Approvato/);
  });

  it('searches the name and the text (body and button labels), across all languages', async () => {
    const { picker } = await openPicker();
    fireEvent.change(within(picker).getByRole('combobox', { name: 'Language' }), { target: { value: '' } });
    const search = within(picker).getByRole('searchbox', { name: 'Search templates' });

    fireEvent.change(search, { target: { value: 'spedito' } });
    expect(names(within(picker).getByRole('list', { name: 'Templates' }))).toEqual(['order_update']);
    expect(within(picker).getByText(/^1 of 7 templates$/)).toBeTruthy();

    fireEvent.change(search, { target: { value: 'operatore' } }); // a quick-reply label
    expect(names(within(picker).getByRole('list', { name: 'Templates' }))).toEqual(['order_update']);

    fireEvent.change(search, { target: { value: 'ORDER update' } }); // every word, case-insensitive, "_" as a space
    expect(names(within(picker).getByRole('list', { name: 'Templates' }))).toEqual(['order_update', 'order_update']);

    fireEvent.change(search, { target: { value: '春季' } });
    expect(names(within(picker).getByRole('list', { name: 'Templates' }))).toEqual(['spring_promo']);
  });

  it('filters by category, and when nothing matches says so and clears the filters in one click', async () => {
    const { picker } = await openPicker({ locale: 'it' });
    fireEvent.change(within(picker).getByRole('combobox', { name: 'Categoria' }), { target: { value: 'MARKETING' } });
    expect(names(within(picker).getByRole('list', { name: 'Modelli' }))).toEqual(['promo_aggressiva']);

    fireEvent.change(within(picker).getByRole('searchbox', { name: 'Cerca modelli' }), { target: { value: 'nessuna-parola' } });
    expect(within(picker).queryByRole('list', { name: 'Modelli' })).toBeNull();
    expect(within(picker).getByText(/Nessun modello corrisponde/)).toBeTruthy();
    fireEvent.click(within(picker).getByRole('button', { name: 'Azzera ricerca e filtri' }));
    expect(within(within(picker).getByRole('list', { name: 'Modelli' })).getAllByRole('button')).toHaveLength(ALL_TEMPLATES.length);
  });
});

describe('the template picker: default language', () => {
  it.each([
    ['pt-BR', 'pt_BR'],
    ['zh-CN', 'zh_CN'],
    ['en-US', 'en'],
    ['de', ''],
  ])('when the agent locale is %p, then the language filter starts on %p ("" = all)', async (locale, expected) => {
    const { picker } = await openPicker({ locale });
    const select = (await within(picker).findAllByRole('combobox'))[0] as HTMLSelectElement;
    expect(select.value).toBe(expected);
  });

  it('when the bridge tells the customer language, then it wins over the agent language', async () => {
    const { picker } = await openPicker({ locale: 'it', bridge: { conversation: { contact: { name: 'Ana', phone: '+5511999998888', businessScopedUserId: null, display: '+5511999998888', language: 'pt_BR' } } } });
    const list = await within(picker).findByRole('list', { name: 'Modelli' });
    expect(names(list)).toEqual(['boas_vindas']);
    expect((within(picker).getByRole('combobox', { name: 'Lingua' }) as HTMLSelectElement).value).toBe('pt_BR');
  });
});

describe('the template picker: what cannot be sent', () => {
  it('shows paused and rejected templates disabled, with the reason linked to them, and does not open them', async () => {
    const { picker } = await openPicker();
    fireEvent.change(within(picker).getByRole('combobox', { name: 'Language' }), { target: { value: '' } });
    const paused = within(picker).getByRole('button', { name: /summer_sale/ });
    expect(paused.getAttribute('aria-disabled')).toBe('true');
    expect(document.getElementById(paused.getAttribute('aria-describedby')!)?.textContent).toMatch(/Meta paused it.*choose another template/);
    const rejected = within(picker).getByRole('button', { name: /promo_aggressiva/ });
    expect(document.getElementById(rejected.getAttribute('aria-describedby')!)?.textContent).toMatch(/rejected it \(PROMOTIONAL\)/);
    fireEvent.click(paused);
    expect(within(picker).getByRole('list', { name: 'Templates' })).toBeTruthy();
    expect(within(picker).queryByRole('region', { name: /Preview/ })).toBeNull();
    // sendable ones come first
    expect(names(within(picker).getByRole('list', { name: 'Templates' })).slice(-2)).toEqual(['promo_aggressiva', 'summer_sale']);
  });

  it('when every template is paused or rejected, then it says nothing can be sent and what to do', async () => {
    const { picker } = await openPicker({ bridge: { templates: [SUMMER_SALE_PAUSED, REJECTED_IT] } });
    const note = await within(picker).findByRole('note');
    expect(note.textContent).toMatch(/No template can be sent now.*Ask your WhatsApp admin/);
    for (const button of within(picker).getAllByRole('button', { name: /summer_sale|promo_aggressiva/ })) expect(button.getAttribute('aria-disabled')).toBe('true');
  });

  it('when the bridge has no templates yet, then it says so and "Check for new templates" syncs and lists them', async () => {
    let synced = false;
    const client = createFakeZafClient({
      values: FACTS,
      respond: fakeBridge({
        list: () => ok(templateList(synced ? [ORDER_UPDATE_IT] : [])),
        sync: () => {
          synced = true;
          return ok({ fetched: 1, pages: 1, added: 1, updated: 0, removed: 0, skipped: 0, syncedAt: '2026-05-12T09:31:00.000Z' });
        },
      }),
    });
    renderApp(client);
    expect(await screen.findByText('No templates yet')).toBeTruthy();
    expect(screen.getByText(/Create and get templates approved in WhatsApp Manager/)).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Check for new templates' })));
    expect(requestsTo(client, /^\/templates\/sync$/)).toHaveLength(1);
    expect(await screen.findByRole('button', { name: /order_update/ })).toBeTruthy();
  });

  it('when the bridge cannot read templates (no WABA id), then it names the variable the operator must set', async () => {
    await openPicker({ waitForList: false, bridge: { list: () => ok(templateList([], { syncConfigured: false })) } });
    expect((await screen.findByText(/WHATSAPP_BUSINESS_ACCOUNT_ID/)).textContent).toMatch(/must set WHATSAPP_BUSINESS_ACCOUNT_ID and restart/);
    expect(screen.queryByRole('button', { name: 'Check for new templates' })).toBeNull();
  });

  it('when the template list fails (key refused), then it says what to do and "Try again" reads it again', async () => {
    let isKeyFixed = false;
    const { client } = await openPicker({ waitForList: false, bridge: { list: () => (isKeyFixed ? ok(templateList([ORDER_UPDATE_IT])) : Promise.reject(bridgeFailure(401, 'invalid_api_key'))) } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/refused the app's key.*Bridge API key/);
    isKeyFixed = true;
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Try again' })));
    expect(await screen.findByRole('button', { name: /order_update/ })).toBeTruthy();
    expect(requestsTo(client, /^\/templates$/)).toHaveLength(2);
  });

  it('when the ticket is not a WhatsApp ticket, then the picker is disabled and says why, without asking for templates', async () => {
    const client = createFakeZafClient({ respond: () => Promise.reject(bridgeFailure(404, 'not_whatsapp_ticket')) });
    renderApp(client);
    const picker = await screen.findByRole('region', { name: 'Send a template' });
    expect(picker.getAttribute('aria-disabled')).toBe('true');
    expect(picker.textContent).toMatch(/only be sent on tickets with a WhatsApp customer/);
    expect(requestsTo(client, /^\/templates/)).toHaveLength(0);
  });

  it('when the bridge is unreachable, then the picker is disabled and points to the problem above', async () => {
    renderApp(createFakeZafClient({ respond: () => Promise.reject({ status: 0 }) }));
    const picker = await screen.findByRole('region', { name: 'Send a template' });
    expect(picker.textContent).toMatch(/can't be sent while the bridge can't be reached: fix the problem above/);
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });

  it('while templates load, it says so in a status', async () => {
    let answer: (value: unknown) => void = () => undefined;
    await openPicker({ waitForList: false, bridge: { list: () => new Promise((resolve) => (answer = resolve)).then(() => ok(templateList([ORDER_UPDATE_IT]))) } });
    expect((await screen.findByText('Loading templates…')).closest('[role="status"]')).toBeTruthy();
    await act(async () => answer(null));
    await waitFor(() => expect(screen.queryByText('Loading templates…')).toBeNull());
  });
});
