/**
 * The built sidebar in headless Chromium, with the sandbox playing Zendesk (ZAF host + apps
 * proxy) and the real bridge against the simulators behind it: what an agent sees in each state.
 */
import { SANDBOX_BRIDGE_API_KEY } from '../../bridge-server/sandbox/stack';
import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { useSidebarHarness, deadPort, waitFor } from './harness';

const HOUR = 3600_000;

describe('the sidebar in Zendesk (browser)', () => {
  const session = useSidebarHarness();

  const timer = () => session.sidebar.app.getByRole('timer');
  const clockState = () => session.sidebar.app.locator('[aria-labelledby="window-clock-title"]').getAttribute('data-state');

  it('when the customer wrote ten minutes before the window ends, then the clock says open with the time left and ticks every second', async () => {
    const ticketId = await session.harness.whatsappTicket('393330000001', 'Giulia Rossi', 'Ciao, dov’è il mio ordine? 📦', { ageMs: 24 * HOUR - 10 * 60_000 });
    const sidebar = await session.open({ ticketId, settings: { closingSoonMinutes: 5 } });
    await expectText(timer(), /9 min \d+ s left to reply freely/);
    expect(await clockState()).toBe('open');
    await expect(sidebar.app.getByRole('heading', { name: 'Giulia Rossi' }).isVisible()).resolves.toBe(true);
    await expect(sidebar.app.getByText('+393330000001').isVisible()).resolves.toBe(true);
    await expect(sidebar.app.getByText('Ciao, dov’è il mio ordine? 📦').isVisible()).resolves.toBe(true);

    const first = await timer().innerText();
    await waitFor(async () => (await timer().innerText()) !== first, { what: `the clock to tick past "${first}"`, timeoutMs: 5000 });
    // The iframe was resized to its content (ZAF `resize`), not left at the host's default.
    const height = await sidebar.page.locator('#sidebar').evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeGreaterThan(150);
  });

  it('when less than closingSoonMinutes are left, then the clock says closing soon', async () => {
    const ticketId = await session.harness.whatsappTicket('393330000002', 'Marco', 'Ci sei?', { ageMs: 23.5 * HOUR });
    const sidebar = await session.open({ ticketId });
    await expectText(timer(), /Only (29|30) min \d+ s left to reply freely/);
    expect(await clockState()).toBe('closing');
    await expect(sidebar.app.getByText('Closing soon').isVisible()).resolves.toBe(true);
  });

  it('when the window has closed, then the clock says since when and that only a template reaches the customer', async () => {
    const ticketId = await session.harness.whatsappTicket('393330000003', 'Anna', 'Grazie', { ageMs: 25 * HOUR });
    const sidebar = await session.open({ ticketId });
    await expectText(timer(), /Closed since .*\(1 h 0 min ago\)\. Only an approved template/);
    expect(await clockState()).toBe('closed');
  });

  it('when the bridge clock moves past the window while the sidebar is open, then a ticket.updated event shows it closed', async () => {
    const ticketId = await session.harness.whatsappTicket('393330000004', 'Luca', 'Buongiorno', { ageMs: 0 });
    const sidebar = await session.open({ ticketId });
    await expectText(timer(), /left to reply freely/);
    session.harness.clock.advance(25 * HOUR);
    try {
      // The app listens to ticket.updated (Zendesk sends it only to subscribers).
      expect(await sidebar.trigger('ticket.updated', { id: ticketId })).toBe(true);
      await expectText(timer(), /Closed since/);
    } finally {
      session.harness.clock.advance(-25 * HOUR);
    }
  });

  it('when the agent’s Zendesk is in Italian, then the sidebar speaks Italian', async () => {
    const ticketId = await session.harness.whatsappTicket('393330000005', 'Sofia', 'Salve', { ageMs: HOUR });
    const sidebar = await session.open({ ticketId, locale: 'it' });
    await expect(sidebar.app.getByRole('heading', { name: 'Finestra di 24 ore' }).isVisible()).resolves.toBe(true);
    await expectText(timer(), /per rispondere/);
  });

  it('when the ticket has no WhatsApp customer, then one compact line says so', async () => {
    const sidebar = await session.open({ ticketId: 999_999 });
    const line = sidebar.app.getByTestId('not-whatsapp');
    await expectText(line, /Not a WhatsApp conversation/);
    await expect(sidebar.app.getByRole('timer').count()).resolves.toBe(0);
  });

  it('when WhatsApp could not deliver the agent’s reply, then the message shows Failed with the reason', async () => {
    await session.harness.stack.stack.setupZendesk();
    const waId = '393330000006';
    const ticketId = await session.harness.whatsappTicket(waId, 'Paolo', 'Mi rispondete?', { ageMs: HOUR });
    session.harness.stack.whatsapp.outbox.undeliverable.add(waId);
    session.harness.stack.zendesk.addAgentComment(ticketId, { body: 'Ecco il tracking: 12345' });
    await waitFor(async () => {
      const row = await session.harness.stack.db.selectFrom('outbound_messages').select('state').where('ticket_id', '=', ticketId).executeTakeFirst();
      return row?.state === 'failed';
    }, { what: 'the reply to fail' });
    const sidebar = await session.open({ ticketId });
    const failed = sidebar.app.locator('li[data-state="failed"]');
    await failed.waitFor();
    expect(await failed.innerText()).toContain('Ecco il tracking: 12345');
    expect(await failed.getByText('Failed').isVisible()).toBe(true);
    expect(await failed.getByRole('note').innerText()).toMatch(/could not deliver it/);
  });

  it('when the bridge is down, then the sidebar says it cannot reach it and what to check', async () => {
    const sidebar = await session.open({ ticketId: 1, settings: { bridgeUrl: `http://127.0.0.1:${await deadPort()}` } });
    const alert = sidebar.app.locator('[data-kind="unreachable"]');
    await expectText(alert, /Can't reach the WhatsApp bridge[\s\S]*Bridge URL/);
    await expect(alert.getByRole('button', { name: 'Try again' }).isVisible()).resolves.toBe(true);
  });

  it('when the app’s key is wrong, then the sidebar says so; the key is never sent to the browser', async () => {
    const ticketId = await session.harness.whatsappTicket('393330000007', 'Elena', 'Ciao', { ageMs: HOUR });
    const seen: string[] = [];
    const wrongKey = await session.open({ ticketId, secureSettings: { bridgeApiKey: 'not-the-bridge-key-000000000' } });
    await expectText(wrongKey.app.locator('[data-kind="invalid_key"]'), /The bridge refused the app's key[\s\S]*BRIDGE_API_KEY/);
    await wrongKey.close();

    // With the right key: everything the browser sends and receives is free of it.
    const sidebar = await session.open({ ticketId });
    sidebar.page.on('request', (request) => seen.push(`${request.url()} ${JSON.stringify(request.headers())} ${request.postData() ?? ''}`));
    sidebar.page.on('response', async (response) => seen.push(await response.text().catch(() => '')));
    await sidebar.trigger('ticket.updated', {});
    await expectText(timer(), /left to reply freely/);
    const metadataSettings = await (await sidebar.frame()).evaluate(() => document.body.innerText);
    expect(seen.some((line) => line.includes('/zaf/proxy'))).toBe(true);
    expect(seen.join('\n')).not.toContain(SANDBOX_BRIDGE_API_KEY);
    expect(metadataSettings).not.toContain(SANDBOX_BRIDGE_API_KEY);
  });

  it('when a new customer message arrives and Zendesk reports the ticket updated, then the list shows it', async () => {
    const waId = '393330000008';
    const ticketId = await session.harness.whatsappTicket(waId, 'Chiara', 'Primo messaggio', { ageMs: HOUR });
    const sidebar = await session.open({ ticketId });
    await sidebar.app.getByText('Primo messaggio').waitFor();
    const chiara = new SimulatedCustomer({ waId, name: 'Chiara' });
    await session.harness.stack.send(envelope(undefined, [chiara.text('Secondo: 你好 🙂')]));
    await session.harness.stack.waitForComments(`whatsapp:wa:${waId}`, 2);
    await session.harness.stack.settled();
    await sidebar.trigger('ticket.updated', { id: ticketId });
    await sidebar.app.getByText('Secondo: 你好 🙂').waitFor();
  });
});

/** Waits until the element's text matches (the app renders after network round trips). */
async function expectText(locator: { innerText(): Promise<string>; waitFor(o?: { timeout?: number }): Promise<void> }, pattern: RegExp): Promise<void> {
  await locator.waitFor({ timeout: 15_000 });
  await waitFor(async () => pattern.test(await locator.innerText()), { what: () => `text matching ${pattern}`, timeoutMs: 15_000 }).catch(async (error) => {
    throw new Error(`${(error as Error).message}; the text is: ${await locator.innerText().catch(() => '(gone)')}`);
  });
}
