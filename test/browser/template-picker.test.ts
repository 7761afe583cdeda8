/**
 * The template picker in the built sidebar (headless Chromium, the sandbox playing Zendesk, the
 * real bridge and the simulated WhatsApp number behind it): finding a template, filling it, the
 * bridge's checks next to the right field, the confirmation, the send, and what the customer's
 * phone received; then the same path with the keyboard only.
 */
import type { Locator } from 'playwright-core';
import type { SentMessage } from '../../bridge-server/sandbox/whatsapp/outbox';
import { useSidebarHarness, describedBy, focusedIn, tabTo, waitFor } from './harness';

const HOUR = 3600_000;

describe('the template picker in Zendesk (browser)', () => {
  const session = useSidebarHarness({ setupZendesk: true });

  /** The templates the simulated number sent to this customer. */
  const templatesTo = (waId: string): SentMessage[] => session.harness.stack.whatsapp.outbox.sent.filter((m) => m.recipient === waId && m.type === 'template');
  const picker = () => session.sidebar.app.getByRole('region', { name: 'Send a template' });
  const templateButtons = () => picker().getByRole('list', { name: 'Templates' }).getByRole('button');
  const field = (name: string) => picker().getByRole('textbox', { name, exact: true });
  const count = () => picker().getByRole('status').filter({ hasText: /of \d+ templates/ });

  it('when the agent searches, filters by language, fills in the values and confirms, then the customer gets the template once', async () => {
    const waId = '393332220001';
    const NAME = 'Giulia Rossi';
    const ticketId = await session.harness.whatsappTicket(waId, NAME, 'Il pacco non è arrivato', { ageMs: 2 * HOUR });
    const sidebar = await session.open({ ticketId, requesterName: NAME });
    sidebar.page.context().setDefaultTimeout(10_000);
    await templateButtons().first().waitFor();

    // The agent's language (English) is chosen at first; every status is listed.
    expect(await picker().getByLabel('Language').inputValue()).toBe('en_US');
    expect(await names(templateButtons())).toEqual(expect.arrayContaining(['order_update', 'support_followup', 'summer_promo']));

    // Search by name across all languages: one order_update per language.
    await picker().getByLabel('Search templates').fill('order_update');
    await picker().getByLabel('Language').selectOption('');
    await count().filter({ hasText: /^3 of \d+ templates$/ }).waitFor();
    const found = (await templateButtons().allInnerTexts()).map((text) => text.split('\n').map((line) => line.trim()));
    expect(found.map((lines) => lines[0])).toEqual(['order_update', 'order_update', 'order_update']);
    expect(found.map((lines) => lines[1]).sort()).toEqual(['American English (en_US)', 'Brazilian Portuguese (pt_BR)', 'Italian (it)']);

    // Search by the message's text, then narrow to Italian.
    await picker().getByLabel('Search templates').fill('spedito');
    await picker().getByLabel('Language').selectOption('en_US');
    await picker().getByText('No template matches the search and filters.').waitFor();
    await picker().getByLabel('Language').selectOption('it');
    await count().filter({ hasText: /^1 of \d+ templates$/ }).waitFor();
    await templateButtons().filter({ hasText: 'order_update' }).filter({ hasText: 'Italian (it)' }).click();

    // The form: the variables as labelled inputs, values from the ticket one click away.
    await picker().getByRole('heading', { name: 'order_update' }).waitFor();
    await field('{{1}} in the header').fill('#77');
    await picker().getByRole('button', { name: 'Fill {{1}} in the message with Giulia (requester first name)' }).click();
    expect(await field('{{1}} in the message').inputValue()).toBe('Giulia');
    await field('{{3}} in the message').fill('venerdì      mattina');
    await field('{{3}} in the message').blur();

    // The live preview is the WhatsApp bubble with the values in it.
    const preview = picker().getByRole('region', { name: 'Preview: what the customer will see' });
    await preview.filter({ hasText: 'Ordine #77' }).filter({ hasText: 'Ciao Giulia, il tuo ordine {{2}} è stato spedito' }).waitFor();

    // The bridge's check lands on the field it is about: too many spaces in {{3}}…
    const third = field('{{3}} in the message');
    await waitFor(async () => (await third.getAttribute('aria-invalid')) === 'true', { what: 'the bridge to mark {{3}} invalid' });
    expect(await describedBy(third)).toMatch(/\{\{3\}\} in the message cannot contain line breaks, tabs or more than 4 spaces/);
    // …and, on review, the empty {{2}}, which gets the focus. Nothing is sent.
    await picker().getByRole('button', { name: 'Review and send' }).click();
    const second = field('{{2}} in the message');
    await waitFor(async () => (await second.getAttribute('aria-invalid')) === 'true', { what: 'the bridge to mark {{2}} missing' });
    expect(await describedBy(second)).toContain('Fill in {{2}} in the message.');
    expect(await field('{{1}} in the message').getAttribute('aria-invalid')).not.toBe('true');
    expect(await picker().getByRole('alertdialog').count()).toBe(0);
    expect(templatesTo(waId)).toHaveLength(0);

    // Fixed: the errors go, the confirmation names template, language and customer.
    await second.fill('#77');
    await third.fill('venerdì mattina');
    await field('End of the link of the “Traccia ordine” button').fill('77');
    await waitFor(async () => (await third.getAttribute('aria-invalid')) !== 'true' && (await second.getAttribute('aria-invalid')) !== 'true', { what: 'the errors to clear' });
    await picker().getByRole('button', { name: 'Review and send' }).click();
    const confirmation = picker().getByRole('alertdialog');
    await confirmation.waitFor();
    expect(await confirmation.innerText()).toMatch(/Send “order_update” \(Italian \(it\)\) to Giulia Rossi/);
    await confirmation.getByRole('button', { name: 'Send', exact: true }).click();

    const result = picker().getByRole('status').filter({ hasText: 'Template sent' });
    await result.waitFor();
    expect(await result.innerText()).toMatch(/“order_update” went to Giulia Rossi/);

    // The phone got exactly this, once.
    const sent = templatesTo(waId);
    expect(sent).toHaveLength(1);
    expect(sent[0].body.template).toEqual({
      name: 'order_update',
      language: { code: 'it' },
      components: expect.arrayContaining([
        { type: 'header', parameters: [{ type: 'text', text: '#77' }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Giulia' }, { type: 'text', text: '#77' }, { type: 'text', text: 'venerdì mattina' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '77' }] },
      ]),
    });
    // The delivery list shows it after the send; still one message on the phone.
    await sidebar.app.getByText(/Ciao Giulia, il tuo ordine #77 è stato spedito/).first().waitFor();
    expect(templatesTo(waId)).toHaveLength(1);
  }, 60_000);

  it('with the keyboard only, the agent picks a template, fills it, cancels with Escape and sends with Enter', async () => {
    const waId = '393332220002';
    const NAME = 'Marco Bianchi';
    const ticketId = await session.harness.whatsappTicket(waId, NAME, 'Dov’è il mio ordine?', { ageMs: 2 * HOUR });
    const sidebar = await session.open({ ticketId, requesterName: NAME });
    sidebar.page.context().setDefaultTimeout(10_000);
    const { page } = sidebar;
    await templateButtons().first().waitFor();
    const frame = await sidebar.frame();

    // Into the sidebar and to the search box with Tab; type; Tab on to the template; Enter picks it.
    await tabTo(page, frame, (f) => f.tag === 'input' && f.name === 'Search templates', { what: 'the search box' });
    await page.keyboard.type('has shipped');
    await count().filter({ hasText: /^1 of \d+ templates$/ }).waitFor();
    await tabTo(page, frame, (f) => f.tag === 'button' && f.name.startsWith('order_update'), { what: 'the order_update template' });
    await page.keyboard.press('Enter');
    await picker().getByRole('heading', { name: 'order_update' }).waitFor();
    expect(await focusedIn(frame)).toMatchObject({ tag: 'h3', name: 'order_update' });

    // Fill: type into the inputs, Space on a suggestion.
    await tabTo(page, frame, (f) => f.name === '{{1}} in the header', { what: 'the header variable' });
    await page.keyboard.type('#48');
    await tabTo(page, frame, (f) => f.name === 'Fill {{1}} in the message with Marco (requester first name)', { what: 'the first-name suggestion for {{1}}' });
    await page.keyboard.press('Space');
    expect(await field('{{1}} in the message').inputValue()).toBe('Marco');
    await tabTo(page, frame, (f) => f.name === '{{2}} in the message', { what: '{{2}}' });
    await page.keyboard.type('#48');
    await tabTo(page, frame, (f) => f.name === '{{3}} in the message', { what: '{{3}}' });
    await page.keyboard.type('Friday');
    await tabTo(page, frame, (f) => f.name === 'End of the link of the “Track order” button', { what: 'the button variable' });
    await page.keyboard.type('48');

    // Review with Enter: the confirmation takes the focus on Send; Escape cancels back to Review.
    await tabTo(page, frame, (f) => f.tag === 'button' && f.name === 'Review and send', { what: 'Review and send' });
    await page.keyboard.press('Enter');
    await picker().getByRole('alertdialog').waitFor();
    await waitFor(async () => (await focusedIn(frame)).name === 'Send', { what: 'the focus on Send' });
    await page.keyboard.press('Escape');
    await waitFor(async () => (await picker().getByRole('alertdialog').count()) === 0, { what: 'the confirmation to close on Escape' });
    expect(await focusedIn(frame)).toMatchObject({ tag: 'button', name: 'Review and send' });
    expect(templatesTo(waId)).toHaveLength(0);

    // Space reviews again; Enter sends; the result takes the focus.
    await page.keyboard.press('Space');
    await picker().getByRole('alertdialog').waitFor();
    await waitFor(async () => (await focusedIn(frame)).name === 'Send', { what: 'the focus on Send' });
    await page.keyboard.press('Enter');
    await picker().getByRole('status').filter({ hasText: 'Template sent' }).waitFor();
    await waitFor(async () => (await focusedIn(frame)).name.includes('Template sent'), { what: 'the focus on the result' });

    const sent = templatesTo(waId);
    expect(sent).toHaveLength(1);
    expect(sent[0].body.template).toMatchObject({ name: 'order_update', language: { code: 'en_US' } });
    expect(JSON.stringify(sent[0].body.template)).toContain('{"type":"body","parameters":[{"type":"text","text":"Marco"},{"type":"text","text":"#48"},{"type":"text","text":"Friday"}]}');
  }, 60_000);
});

/** The template names of the list's buttons (their first line). */
async function names(buttons: Locator): Promise<string[]> {
  return (await buttons.allInnerTexts()).map((text) => text.split('\n')[0].trim());
}
