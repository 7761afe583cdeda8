/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createFakeZafClient, ok, requestsTo } from '../helpers/fake-zaf-client';
import { renderApp } from '../helpers/render-app';
import { ARABIC, bridgeFailure, fakeBridge, ORDER_UPDATE_IT, previewAnswer, PROMO_ZH_CN, STORE_PICKUP, WELCOME_PT_BR, type FakeBridgeOptions } from './template-fixtures';

const FACTS = { 'ticket.requester.name': 'Giulia Rossi', 'currentUser.name': 'Marco Bianchi', 'currentUser.id': 7 };

/** Opens the sidebar, shows all languages and chooses the template whose row matches `row`. */
async function choose(row: RegExp, { locale = 'en', bridge = {} }: { locale?: string; bridge?: FakeBridgeOptions } = {}) {
  const client = createFakeZafClient({ locale, values: FACTS, respond: fakeBridge(bridge) });
  renderApp(client);
  const picker = await screen.findByRole('region', { name: /^(Send a template|Invia un modello)$/ });
  const [language] = await within(picker).findAllByRole('combobox');
  fireEvent.change(language, { target: { value: '' } });
  fireEvent.click(within(picker).getByRole('button', { name: row }));
  return { client, picker };
}

const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByRole('textbox', { name: label }), { target: { value } });
const preview = () => screen.getByRole('region', { name: /^(Preview: what the customer will see|Anteprima: ciò che vedrà il cliente)$/ });
const part = (name: string) => preview().querySelector(`[data-part="${name}"]`) as HTMLElement;

/** Fills the Italian order_update, with the labels of the agent's language. */
async function fillOrderUpdateIt(locale: 'en' | 'it' = 'en') {
  const labels =
    locale === 'it'
      ? ["{{1}} nell'intestazione", '{{1}} nel messaggio', '{{2}} nel messaggio', '{{3}} nel messaggio', 'Parte finale del link del pulsante “Traccia ordine”']
      : ['{{1}} in the header', '{{1}} in the message', '{{2}} in the message', '{{3}} in the message', 'End of the link of the “Traccia ordine” button'];
  ['#77', 'Giulia', '#77', 'venerdì', '77'].forEach((value, i) => type(labels[i], value));
}

describe('the template form: variables and suggestions', () => {
  it('labels every positional variable by where it is, shows Meta’s example and focuses the template name', async () => {
    await choose(/order_update.*\(it\)/);
    expect(document.activeElement?.textContent).toBe('order_update');
    for (const label of ['{{1}} in the header', '{{1}} in the message', '{{2}} in the message', '{{3}} in the message', 'End of the link of the “Track order” button'.replace('Track order', 'Traccia ordine')]) {
      expect(screen.getByRole('textbox', { name: label })).toBeTruthy();
    }
    const body1 = screen.getByRole('textbox', { name: '{{1}} in the message' });
    const hints = (body1.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent);
    expect(hints).toContain('Example: Giulia');
  });

  it('labels named variables by name, and a header image as a link input', async () => {
    await choose(/boas_vindas/);
    expect(screen.getByRole('textbox', { name: '{{first_name}} in the message' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: '{{order_id}} in the message' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Back to templates' }));
    fireEvent.click(screen.getByRole('button', { name: /spring_promo/ }));
    expect(screen.getByRole('textbox', { name: 'Header image: link' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Code copied by the “复制优惠码” button' })).toBeTruthy();
  });

  it('offers the requester name, first name, ticket id and agent name as one-click fills', async () => {
    await choose(/order_update.*\(it\)/, { locale: 'it' });
    const group = screen.getByRole('group', { name: 'Valori dal ticket per {{1}} nel messaggio' });
    expect(within(group).getAllByRole('button').map((b) => b.textContent)).toEqual(['Giulia Rossi', 'Giulia', '12', 'Marco Bianchi']);
    fireEvent.click(within(group).getByRole('button', { name: 'Compila {{1}} nel messaggio con Giulia (nome proprio del richiedente)' }));
    expect((screen.getByRole('textbox', { name: '{{1}} nel messaggio' }) as HTMLInputElement).value).toBe('Giulia');
    fireEvent.click(screen.getByRole('button', { name: 'Compila {{2}} nel messaggio con 12 (ID del ticket)' }));
    expect((screen.getByRole('textbox', { name: '{{2}} nel messaggio' }) as HTMLInputElement).value).toBe('12');
  });
});

describe('the template form: a location header', () => {
  it('takes latitude, longitude, name and address, shows the place in the preview and sends numbers', async () => {
    const { client } = await choose(/store_pickup/, { bridge: { templates: [STORE_PICKUP] } });
    expect(screen.getByRole('group', { name: 'Header location' })).toBeTruthy();
    expect(part('header').textContent).toBe('Location');
    type('Latitude', '45.4642');
    type('Longitude', '9,19');
    type('Place name', 'Negozio Duomo');
    expect(part('header').textContent).toBe('Location: Negozio Duomo · 45.4642, 9.19');
    type('{{1}} in the message', '#77');
    await waitFor(() => expect(JSON.parse(requestsTo(client, /^\/templates\/preview$/).at(-1)!.data!).values).toEqual({ 'header.location': { latitude: 45.4642, longitude: 9.19, name: 'Negozio Duomo' }, 'body.1': '#77' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Review and send' })));
    expect(await screen.findByRole('alertdialog')).toBeTruthy();
  });
});

describe('the template form: live preview', () => {
  it('draws header, body with WhatsApp formatting, footer and buttons, and follows every keystroke', async () => {
    await choose(/order_update.*\(it\)/, { locale: 'it' });
    expect(part('header').textContent).toBe('Ordine {{1}}');
    expect(part('body').textContent).toBe('Ciao {{1}}, il tuo ordine {{2}} è stato spedito e arriva il {{3}}. Prima CODICE-1');
    await fillOrderUpdateIt('it');
    expect(part('header').textContent).toBe('Ordine #77');
    expect(part('body').textContent).toBe('Ciao Giulia, il tuo ordine #77 è stato spedito e arriva il venerdì. Prima CODICE-1');
    expect(part('body').querySelector('strong')?.textContent).toBe('#77');
    expect(part('body').querySelector('em')?.textContent).toBe('spedito');
    expect(part('body').querySelector('s')?.textContent).toBe('Prima');
    expect(part('body').querySelector('code')?.textContent).toBe('CODICE-1');
    expect(part('footer').textContent).toBe('Rispondi STOP per non ricevere più messaggi');
    const buttons = within(preview()).getByRole('list', { name: 'Pulsanti' });
    expect(within(buttons).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['↗Traccia ordine', '↩Parla con un operatore']);
    expect(screen.getByText('“Traccia ordine” apre https://shop.example.com/track/77')).toBeTruthy();
  });

  it('keeps emoji, Chinese and Arabic as written, and draws Arabic right to left', async () => {
    await choose(/boas_vindas/);
    type('{{first_name}} in the message', 'João 👋');
    expect(part('body').textContent).toBe('Olá João 👋! 😀 Seu pedido {{order_id}} chegou.');

    fireEvent.click(screen.getByRole('button', { name: 'Back to templates' }));
    fireEvent.click(screen.getByRole('button', { name: /spring_promo/ }));
    type('{{1}} in the message', '王芳');
    expect(part('body').textContent).toBe('你好 王芳，春季特惠开始了！🌸');
    expect(part('header').textContent).toBe('Image');
    type('Header image: link', 'https://cdn.example.com/花.png');
    expect(part('header').textContent).toBe('Image: https://cdn.example.com/花.png');

    fireEvent.click(screen.getByRole('button', { name: 'Back to templates' }));
    fireEvent.click(screen.getByRole('button', { name: /order_ready_ar/ }));
    type('{{1}} in the message', 'أحمد');
    expect(part('body').textContent).toBe('مرحبا أحمد، طلبك جاهز للاستلام.');
    expect(part('body').getAttribute('dir')).toBe('auto');
    // four buttons: WhatsApp shows two and "See all options"
    const items = within(within(preview()).getByRole('list', { name: 'Buttons' })).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual(['↩نعم', '↩لا', '☰See all options']);
  });
});

describe('the template form: the bridge’s checks', () => {
  it('shows the bridge’s field error next to the right input, linked with aria-describedby, once the agent touched it', async () => {
    const { client } = await choose(/order_update.*\(it\)/);
    type('{{1}} in the message', 'Giulia\tRossi');
    const input = screen.getByRole('textbox', { name: '{{1}} in the message' });
    fireEvent.blur(input);
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '');
    expect(described.join(' ')).toMatch(/\{\{1\}\} in the message cannot contain line breaks, tabs/);
    // the untouched fields say nothing yet, though the bridge reports them missing
    expect(screen.getByRole('textbox', { name: '{{2}} in the message' }).getAttribute('aria-invalid')).not.toBe('true');
    // the preview call carried the values as typed
    const last = requestsTo(client, /^\/templates\/preview$/).at(-1)!;
    expect(JSON.parse(last.data!)).toMatchObject({ name: 'order_update', language: 'it', values: { 'body.1': 'Giulia\tRossi', 'body.2': '' } });
  });

  it('on "Review and send" with empty fields, shows every missing field and focuses the first', async () => {
    await choose(/order_update.*\(it\)/);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Review and send' })));
    const header = screen.getByRole('textbox', { name: '{{1}} in the header' });
    await waitFor(() => expect(document.activeElement).toBe(header));
    expect(screen.getAllByText(/^Fill in \{\{\d\}\} in the (message|header)\.$/)).toHaveLength(4);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('the template form: confirm, send, result', () => {
  it('asks for confirmation naming the customer, sends the right body, shows the result and refreshes the delivery list', async () => {
    const { client } = await choose(/order_update.*\(it\)/, { locale: 'it' });
    await fillOrderUpdateIt('it');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Controlla e invia' })));
    const dialog = await screen.findByRole('alertdialog', { name: 'Inviare “order_update” (italiano (it)) a Giulia Rossi (+393331234567)?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Invia' }));
    const conversationsBefore = requestsTo(client, /\/conversation$/).length;

    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Invia' })));
    const status = (await screen.findByText('Modello inviato')).closest('[role="status"]');
    expect(status?.textContent).toMatch(/“order_update” è stato inviato a Giulia Rossi \(\+393331234567\)\. .*Messaggi recenti/);

    const [send] = requestsTo(client, /^\/tickets\/12\/templates$/);
    expect(send).toMatchObject({ type: 'POST', secure: true, contentType: 'application/json', headers: { Authorization: 'Bearer {{setting.bridgeApiKey}}' } });
    expect(send.url).toContain('locale=it');
    expect(JSON.parse(send.data!)).toEqual({
      name: 'order_update',
      language: 'it',
      values: { 'header.1': '#77', 'body.1': 'Giulia', 'body.2': '#77', 'body.3': 'venerdì', 'button.0': '77' },
      idempotencyKey: expect.stringMatching(/^[0-9a-f-]{32,36}$/),
      agentId: 7,
    });
    await waitFor(() => expect(requestsTo(client, /\/conversation$/).length).toBe(conversationsBefore + 1));
    // focus moved to the result, and inputs are locked
    expect(document.activeElement?.contains(screen.getByText('Modello inviato'))).toBe(true);
    expect((screen.getByRole('textbox', { name: '{{1}} nel messaggio' }) as HTMLInputElement).disabled).toBe(true);
  });

  it('when the bridge refuses the values (422 template_invalid), then nothing is "sent" and the error sits on the field', async () => {
    const send = () => Promise.reject({ status: 422, responseJSON: { error: { code: 'template_invalid', message: 'Fill in {{3}} in the message.', requestId: 'req-9', fields: [{ field: 'body.3', code: 'missing', message: 'Fill in {{3}} in the message.' }] } } });
    // The preview says valid (e.g. the template changed between check and send).
    await choose(/order_update.*\(it\)/, { bridge: { send, preview: () => ok({ valid: true, errors: [], rendered: null }) } });
    await fillOrderUpdateIt();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Review and send' })));
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: 'Send' })));
    // Garden announces field messages as alerts too: the send's outcome is the one with the title.
    const alert = (await screen.findAllByRole('alert')).find((a) => /The template was not sent/.test(a.textContent ?? ''))!;
    expect(alert.textContent).toMatch(/The template was not sent.*Fill in \{\{3\}\} in the message\. Fix the fields marked above/);
    const body3 = screen.getByRole('textbox', { name: '{{3}} in the message' });
    expect(body3.getAttribute('aria-invalid')).toBe('true');
    expect(within(alert).queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('when Meta refuses the send, then it shows the bridge’s words and the request id', async () => {
    const send = () => Promise.reject(bridgeFailure(422, 'graph_132001', 'The template does not exist in this language: sync the templates, then pick it again.'));
    await choose(/order_update.*\(it\)/, { bridge: { send } });
    await fillOrderUpdateIt();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Review and send' })));
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: 'Send' })));
    expect((await screen.findByRole('alert')).textContent).toMatch(/not sent.*sync the templates, then pick it again\. .*req-1/);
  });

  it('when the bridge does not answer, then it says the outcome is unknown and "Try again" repeats the same idempotency key', async () => {
    let attempts = 0;
    const send = () => (++attempts === 1 ? Promise.reject({ status: 504 }) : ok({ id: 'send-1', messageId: 'wamid.X', status: 'accepted', ticketComment: 'added', replayed: true }));
    const { client } = await choose(/order_update.*\(it\)/, { bridge: { send } });
    await fillOrderUpdateIt();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Review and send' })));
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: 'Send' })));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/No answer from the bridge.*may or may not have gone out.*never delivered twice/);
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Try again' })));
    expect(await screen.findByText(/had already been sent to Giulia Rossi/)).toBeTruthy();
    const keys = requestsTo(client, /^\/tickets\/12\/templates$/).map((r) => JSON.parse(r.data!).idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });
});

describe('the template form: keyboard path', () => {
  it('Escape closes the confirmation and returns focus to "Review and send"; Back returns focus to the template in the list', async () => {
    await choose(/order_update.*\(it\)/);
    await fillOrderUpdateIt();
    const review = screen.getByRole('button', { name: 'Review and send' });
    review.focus();
    await act(async () => fireEvent.click(review));
    const dialog = await screen.findByRole('alertdialog');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Send' }));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Review and send' }));

    fireEvent.click(screen.getByRole('button', { name: 'Back to templates' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /order_update.*\(it\)/ }));
  });

  it('every control of the path is a native button, input or select (reachable with Tab, activated with Enter/Space)', async () => {
    await choose(/order_update.*\(it\)/);
    const form = screen.getByRole('region', { name: 'Send a template' });
    const interactive = form.querySelectorAll('button, input, select, [tabindex]');
    for (const element of Array.from(interactive)) {
      expect(['BUTTON', 'INPUT', 'SELECT', 'H3', 'DIV'].includes(element.tagName)).toBe(true);
      if (element.tagName === 'BUTTON') expect(element.getAttribute('type') ?? 'button').not.toBe('submit');
    }
    // the preview is a labelled region, not something to tab through
    expect(preview().querySelectorAll('button, a, input')).toHaveLength(0);
  });
});

// The fixtures' preview answers come from the bridge's own rules: a sanity check on them.
it('the fake bridge answers previews as the bridge does', () => {
  const answer = previewAnswer([ORDER_UPDATE_IT, WELCOME_PT_BR, PROMO_ZH_CN, ARABIC], { url: '{{setting.bridgeUrl}}/api/v1/templates/preview?locale=it' }, { name: 'order_update', language: 'it', values: {} });
  expect((answer.responseJSON as { errors: { message: string }[] }).errors[0].message).toMatch(/Compila/);
});
