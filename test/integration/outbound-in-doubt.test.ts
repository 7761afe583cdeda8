/**
 * A send whose answer is lost: WhatsApp accepted the message (the simulated number really sends
 * it and reports statuses) but the bridge never hears back. The bridge must not guess:
 *   - a status webhook carrying the send's biz_opaque_callback_data settles it: the wamid is
 *     taken from the status, nothing is sent again;
 *   - no status within the grace period: it is sent again, and the ticket says the customer may
 *     get it twice;
 * and the customer's later replies wait, so their order holds.
 */
import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const WA = '393331234567';
const textOf = (m: { body: Record<string, unknown> }) => (m.body.text as { body: string }).body;

async function customerTicket(stack: TestStack): Promise<number> {
  const giulia = new SimulatedCustomer({ waId: WA, name: 'Giulia' });
  await stack.send(envelope(undefined, [giulia.text('Ciao')]));
  const { tickets } = await stack.waitForComments(`whatsapp:wa:${WA}`, 1);
  return tickets[0].id;
}

describe('an agent reply whose send got no answer', () => {
  let stack: TestStack;
  afterEach(async () => {
    await stack?.close();
  });

  it('when a status carrying its callback data arrives, then it is recorded from the status and never sent again', async () => {
    // A grace period far longer than the test: only the status can settle it.
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 50, reconcileGraceMs: 60_000 } } });
    await stack.stack.setupZendesk();
    const ticketId = await customerTicket(stack);
    stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, afterApply: true, reset: true, times: 1 });
    stack.zendesk.addAgentComment(ticketId, { body: 'Prima risposta' });
    await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 1, { what: 'the first send on the phone' });
    stack.zendesk.addAgentComment(ticketId, { body: 'Seconda risposta' });

    const inbox = await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 2 && stack.whatsapp.outbox.inbox(WA), { what: 'both replies on the phone' });
    expect(inbox.map(textOf)).toEqual(['Prima risposta', 'Seconda risposta']);
    const first = await waitFor(async () => {
      const r = await stack.db.selectFrom('outbound_messages').selectAll().orderBy('comment_id').executeTakeFirst();
      return r?.state === 'delivered' && r;
    }, { what: 'the first reply settled from its statuses' });
    expect(first.wamid).toBe(inbox[0].wamid);
    expect(first.attempts).toBe(1);

    await new Promise((r) => setTimeout(r, 300));
    expect(stack.whatsapp.outbox.inbox(WA)).toHaveLength(2);
    expect(stack.zendesk.comments(ticketId).filter((c) => !c.public)).toHaveLength(0);
    const metrics = await stack.metricsText();
    expect(metrics).toMatch(/bridge_outbound_messages_total\{kind="reply",outcome="in_doubt"\} 1/);
    expect(metrics).toMatch(/bridge_outbound_messages_total\{kind="reply",outcome="accepted"\} 1/);
    expect(metrics).toMatch(/bridge_outbound_graph_errors_total\{code="none"\} 1/);
  });

  it('when no status comes within the grace period, then it is sent again, after it the next reply, and a note says it may arrive twice', async () => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 50, reconcileGraceMs: 400 } } });
    await stack.stack.setupZendesk();
    const ticketId = await customerTicket(stack);
    stack.whatsapp.outbox.autoStatuses = false;
    stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, afterApply: true, reset: true, times: 1 });
    stack.zendesk.addAgentComment(ticketId, { body: 'Il rimborso è partito' });
    await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 1, { what: 'the first attempt on the phone' });
    stack.zendesk.addAgentComment(ticketId, { body: 'Altro?' });

    // The second reply waits for the first to be settled: order holds even when in doubt.
    await new Promise((r) => setTimeout(r, 200));
    expect(stack.whatsapp.outbox.inbox(WA).map(textOf)).toEqual(['Il rimborso è partito']);

    const inbox = await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 3 && stack.whatsapp.outbox.inbox(WA), { what: 'the resend and the next reply' });
    expect(inbox.map(textOf)).toEqual(['Il rimborso è partito', 'Il rimborso è partito', 'Altro?']);

    const notes = () => stack.zendesk.comments(ticketId).filter((c) => !c.public);
    const [note] = await waitFor(() => notes().length > 0 && notes(), { what: 'the note about a possible duplicate' });
    expect(note.plain_body).toMatch(/sent to WhatsApp again/);
    expect(note.plain_body).toMatch(/may receive it twice/);
    expect(note.plain_body).toContain('Il rimborso è partito');
    await new Promise((r) => setTimeout(r, 300));
    expect(notes()).toHaveLength(1);
    expect(await stack.metricsText()).toMatch(/bridge_outbound_messages_total\{kind="reply",outcome="resent_in_doubt"\} 1/);
    expect(await stack.metricsText()).toMatch(/bridge_outbound_notes_total\{reason="resent_in_doubt"\} 1/);
  });

  it('when WhatsApp answers with a retryable error code, then it is simply retried: a refusal proves nothing was sent', async () => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 50, reconcileGraceMs: 60_000 } } });
    await stack.stack.setupZendesk();
    const ticketId = await customerTicket(stack);
    // A refused answer with Meta's code is a refusal too: retried at once, no doubt.
    stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, status: 503, body: { error: { message: 'temporarily unavailable', type: 'OAuthException', code: 2, fbtrace_id: 'x' } }, times: 1 });
    stack.zendesk.addAgentComment(ticketId, { body: 'Riprova' });
    await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 1, { what: 'the retried send' });
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.whatsapp.outbox.inbox(WA)).toHaveLength(1);
    expect(stack.zendesk.comments(ticketId).filter((c) => !c.public)).toHaveLength(0);
    expect(await stack.metricsText()).toMatch(/bridge_outbound_graph_errors_total\{code="2"\} 1/);
  });
});
