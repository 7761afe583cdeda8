/**
 * The public comment a sent template leaves on its ticket: when Zendesk fails to take it (5xx,
 * an answer lost after the write, the bridge stopping mid-write), it is retried from the store
 * until it lands, exactly once, and the retry never sends the template to WhatsApp again.
 */
import { AdjustableClock } from '../../bridge-server/lib/clock';
import { SANDBOX_BRIDGE_API_KEY } from '../../bridge-server/sandbox/stack';
import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const WA = '393331234567';
const auth = { authorization: `Bearer ${SANDBOX_BRIDGE_API_KEY}`, 'content-type': 'application/json' };
const orderValues = { 'header.1': '#77', 'body.1': 'Giulia', 'body.2': '#77', 'body.3': 'venerdì', 'button.0': '77' };

async function sendTemplate(stack: TestStack, ticketId: number) {
  const res = await fetch(`${stack.bridgeUrl}/api/v1/tickets/${ticketId}/templates`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'order_update', language: 'it', values: orderValues, idempotencyKey: 'k-1' }) });
  return { status: res.status, body: (await res.json()) as { ticketComment: string; messageId: string } };
}

async function setUp(clock?: AdjustableClock): Promise<{ stack: TestStack; ticketId: number }> {
  const stack = await startTestStack({ clock, bridge: { outbound: { sweepIntervalMs: 50 } } });
  await waitFor(() => stack.bridge.templates.lastResult ?? undefined, { what: 'the template sync at start' });
  await stack.stack.setupZendesk();
  const giulia = new SimulatedCustomer({ waId: WA, name: 'Giulia', clock });
  await stack.send(envelope(undefined, [giulia.text('Ciao, dov’è il mio ordine?')]));
  const { tickets } = await stack.waitForComments(`whatsapp:wa:${WA}`, 1);
  await stack.settled();
  return { stack, ticketId: tickets[0].id };
}

/** The template's public comments on the ticket (the bridge's marked comment). */
const templateComments = (stack: TestStack, ticketId: number) => stack.publicComments(ticketId).filter((c) => c.plain_body.includes('Sent on WhatsApp with the template “order_update”'));

describe('the comment of a sent template', () => {
  let stack: TestStack;
  let ticketId: number;
  afterEach(async () => {
    await stack?.close();
  });

  it('when Zendesk answers 500 twice, then the comment is retried until it lands, once, and the template was sent once', async () => {
    ({ stack, ticketId } = await setUp());
    stack.zendesk.faults.add({ method: 'PUT', path: `/api/v2/tickets/${ticketId}`, status: 500, times: 2 });
    const res = await sendTemplate(stack, ticketId);
    expect(res.status).toBe(201);
    expect(res.body.ticketComment).toBe('pending');

    const [comment] = await waitFor(() => templateComments(stack, ticketId).length > 0 && templateComments(stack, ticketId), { what: 'the template comment', timeoutMs: 15_000 });
    expect(comment.plain_body).toContain('Giulia');
    await new Promise((r) => setTimeout(r, 400));
    expect(templateComments(stack, ticketId)).toHaveLength(1);
    expect(stack.whatsapp.outbox.sent.filter((m) => m.type === 'template')).toHaveLength(1);
    // Never treated as an agent reply to send: the phone got the template only.
    expect(stack.whatsapp.outbox.inbox(WA)).toHaveLength(1);
    const row = await stack.db.selectFrom('template_sends').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ comment_state: 'done', comment_attempts: 3 });
    expect(Number(row.comment_id)).toBe(comment.id);
    // A replay of the request reports the comment as added and sends nothing.
    expect((await sendTemplate(stack, ticketId)).body.ticketComment).toBe('added');
    expect(stack.whatsapp.outbox.sent.filter((m) => m.type === 'template')).toHaveLength(1);
  });

  it('when Zendesk applies the comment but the answer is lost, then the retry finds it in the audits and does not write it again', async () => {
    ({ stack, ticketId } = await setUp());
    stack.zendesk.faults.add({ method: 'PUT', path: `/api/v2/tickets/${ticketId}`, afterApply: true, dropConnection: true, times: 1 });
    const res = await sendTemplate(stack, ticketId);
    expect(res.body.ticketComment).toBe('pending');
    expect(templateComments(stack, ticketId)).toHaveLength(1); // it did land
    await waitFor(async () => (await stack.db.selectFrom('template_sends').select('comment_state').executeTakeFirstOrThrow()).comment_state === 'done', { what: 'the comment recorded', timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(templateComments(stack, ticketId)).toHaveLength(1);
    expect(stack.whatsapp.outbox.sent.filter((m) => m.type === 'template')).toHaveLength(1);
  });

  it('when the bridge stops while the comment is being written, then the next process finishes it, exactly once', async () => {
    const clock = new AdjustableClock();
    ({ stack, ticketId } = await setUp(clock));
    // Zendesk applies the write but holds the answer; the bridge stops meanwhile.
    stack.zendesk.faults.add({ method: 'PUT', path: `/api/v2/tickets/${ticketId}`, afterApply: true, delayMs: 1500, dropConnection: true, times: 1 });
    const pending = sendTemplate(stack, ticketId).catch(() => null);
    await waitFor(() => templateComments(stack, ticketId).length === 1, { what: 'the write applied in Zendesk' });
    await stack.restartBridge();
    await pending;
    const row = await stack.db.selectFrom('template_sends').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'sent', comment_state: 'pending', comment_attempts: 1 });

    // The interrupted attempt holds the row for its lease, in real time: moving the bridge's clock
    // a day ahead does not hand it to the new process.
    clock.advance(25 * 3600_000);
    await new Promise((r) => setTimeout(r, 400));
    expect(await stack.db.selectFrom('template_sends').selectAll().executeTakeFirstOrThrow()).toMatchObject({ comment_state: 'pending', comment_attempts: 1 });

    // Once the lease has run out (three minutes of real time: as if they had passed), the new
    // process looks in the audits and finds the comment.
    await stack.db.updateTable('template_sends').set({ comment_lease_until: Date.now() - 1 }).execute();
    await waitFor(async () => (await stack.db.selectFrom('template_sends').select('comment_state').executeTakeFirstOrThrow()).comment_state === 'done', { what: 'the comment recorded by the new process' });
    await new Promise((r) => setTimeout(r, 300));
    expect(templateComments(stack, ticketId)).toHaveLength(1);
    expect(stack.whatsapp.outbox.sent.filter((m) => m.type === 'template')).toHaveLength(1);
  });

  it('when the first write is slow and the clock jumps a day meanwhile, then no second attempt starts: the comment lands once', async () => {
    const clock = new AdjustableClock();
    ({ stack, ticketId } = await setUp(clock));
    // Zendesk takes 1.5 s before it even applies the update (a slow account, a long queue).
    stack.zendesk.faults.add({ method: 'PUT', path: `/api/v2/tickets/${ticketId}`, delayMs: 1500, times: 1 });
    const pending = sendTemplate(stack, ticketId);
    await waitFor(async () => (await stack.db.selectFrom('template_sends').select('comment_attempts').executeTakeFirst())?.comment_attempts === 1, { what: 'the first attempt under way' });
    // The sandbox console's "+25 h": every lease measured on this clock would have run out.
    clock.advance(25 * 3600_000);
    await new Promise((r) => setTimeout(r, 500)); // the worker sweeps every 50 ms meanwhile
    expect(templateComments(stack, ticketId)).toHaveLength(0);

    const res = await pending;
    expect(res.status).toBe(201);
    expect(res.body.ticketComment).toBe('added');
    await new Promise((r) => setTimeout(r, 400));
    expect(templateComments(stack, ticketId)).toHaveLength(1);
    expect(await stack.db.selectFrom('template_sends').selectAll().executeTakeFirstOrThrow()).toMatchObject({ comment_state: 'done', comment_attempts: 1 });
    expect(stack.whatsapp.outbox.sent.filter((m) => m.type === 'template')).toHaveLength(1);
  });
});
