/**
 * The reply guard in the built sidebar, with the sandbox host running the app's `ticket.save`
 * hook as Zendesk does before saving a ticket.
 */
import { useSidebarHarness, deadPort } from './harness';

const HOUR = 3600_000;

describe('the reply guard in Zendesk (browser)', () => {
  const session = useSidebarHarness();

  it('when the window is closed, then a public reply is stopped with the reason and an internal note is saved', async () => {
    const ticketId = await session.harness.whatsappTicket('393330010001', 'Anna', 'Grazie', { ageMs: 25 * HOUR });
    const sidebar = await session.open({ ticketId });
    await sidebar.app.locator('[aria-labelledby="window-clock-title"][data-state="closed"]').waitFor();
    await expect(sidebar.page.evaluate(() => (window as any).zafApp.subscribers('ticket.save'))).resolves.toBeGreaterThan(0);

    await sidebar.setComment('<p>Ci sei ancora?</p>', 'publicReply');
    const stopped = await sidebar.save();
    expect(stopped).toEqual({ ok: false, message: expect.stringContaining('24-hour window is closed') });

    await sidebar.setComment('<p>Nota: richiamare domani</p>', 'internalNote');
    expect(await sidebar.save()).toEqual({ ok: true });
  });

  it('when the window is open, then a public reply is saved', async () => {
    const ticketId = await session.harness.whatsappTicket('393330010002', 'Marco', 'Ciao', { ageMs: HOUR });
    const sidebar = await session.open({ ticketId, comment: { text: '<p>Eccomi!</p>', type: 'publicReply' } });
    await sidebar.app.locator('[aria-labelledby="window-clock-title"][data-state="open"]').waitFor();
    expect(await sidebar.save()).toEqual({ ok: true });
  });

  it('when the bridge is unreachable, then the guard never blocks the agent', async () => {
    const sidebar = await session.open({ ticketId: 1, settings: { bridgeUrl: `http://127.0.0.1:${await deadPort()}` }, comment: { text: '<p>Risposta</p>', type: 'publicReply' } });
    await sidebar.app.locator('[data-kind="unreachable"]').waitFor();
    expect(await sidebar.save()).toEqual({ ok: true });
  });
});
