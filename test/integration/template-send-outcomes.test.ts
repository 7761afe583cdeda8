/**
 * What the sidebar is told about a template send, on the first call and on every repeat with the
 * same idempotency key, whatever Meta answered:
 *   - Meta's answer lost after it took the template: 202 `outcome_unknown` (it may have been
 *     delivered), no comment, never sent again; a status carrying the send's callback data
 *     settles it (wamid, delivery state, the public comment once); none within the grace period
 *     makes it "never confirmed", in plain words;
 *   - a refusal: a repeat answers the same error, unless the refusal proves nothing was sent and
 *     may pass later (Meta busy), which is tried again with the key;
 *   - the agent-facing messages in the request's language.
 */
import { AdjustableClock } from '../../bridge-server/lib/clock';
import { SANDBOX_BRIDGE_API_KEY } from '../../bridge-server/sandbox/stack';
import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { TEMPLATE_IN_DOUBT_GRACE_MS } from '../../bridge-server/sync/send-template';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const WA = '393331234567';
const auth = { authorization: `Bearer ${SANDBOX_BRIDGE_API_KEY}`, 'content-type': 'application/json' };
const orderValues = { 'header.1': '#77', 'body.1': 'Giulia', 'body.2': '#77', 'body.3': 'venerdì', 'button.0': '77' };

async function api(stack: TestStack, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.bridgeUrl}/api/v1${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

const send = (stack: TestStack, ticketId: number, key: string, locale = 'en', values: Record<string, string> = orderValues) =>
  api(stack, 'POST', `/tickets/${ticketId}/templates?locale=${locale}`, { name: 'order_update', language: 'it', values, idempotencyKey: key });

const templatesSent = (stack: TestStack) => stack.whatsapp.outbox.sent.filter((m) => m.type === 'template');
const templateComments = (stack: TestStack, ticketId: number) => stack.publicComments(ticketId).filter((c) => c.plain_body.includes('Sent on WhatsApp with the template “order_update”'));
const sendRow = (stack: TestStack) => stack.db.selectFrom('template_sends').selectAll().executeTakeFirstOrThrow();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** Meta takes the next template (the phone gets it) but its answer never reaches the bridge. */
function loseNextAnswer(stack: TestStack): void {
  stack.whatsapp.outbox.autoStatuses = false;
  stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, afterApply: true, reset: true, times: 1 });
}

describe('the outcome of a template send', () => {
  let stack: TestStack;
  let ticketId: number;
  afterEach(async () => {
    await stack?.close();
  });

  it('when Meta takes it but the answer is lost, then 202 outcome_unknown, nothing sent again; its status settles it and the comment is written once', async () => {
    ({ stack, ticketId } = await setUp());
    loseNextAnswer(stack);
    const first = await send(stack, ticketId, 'k-1', 'it');
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'outcome_unknown', code: 'outcome_unknown', isUncertain: true, messageId: null, ticketComment: 'pending', replayed: false });
    expect(first.body.message).toContain('potrebbe essere stato consegnato');
    // Sent with its callback data, which every status echoes.
    expect(templatesSent(stack)).toHaveLength(1);
    const [onPhone] = templatesSent(stack);
    expect(onPhone.body.biz_opaque_callback_data).toBe(`tpl:${first.body.id}`);
    expect(templateComments(stack, ticketId)).toHaveLength(0);

    const pending = (await api(stack, 'GET', `/tickets/${ticketId}/conversation`)).body.messages[0];
    expect(pending).toMatchObject({ type: 'template', state: 'pending', isUncertain: true, failureReason: null });

    // The agent tries again with the same key: nothing is sent, the same answer.
    const again = await send(stack, ticketId, 'k-1', 'it');
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(templatesSent(stack)).toHaveLength(1);

    // Meta's statuses arrive, carrying the callback data.
    expect(await stack.whatsapp.outbox.emitStatus(onPhone.wamid, 'sent')).toBe(true);
    expect(await stack.whatsapp.outbox.emitStatus(onPhone.wamid, 'delivered')).toBe(true);
    const [comment] = await waitFor(() => templateComments(stack, ticketId).length > 0 && templateComments(stack, ticketId), { what: 'the template comment after the status' });
    expect(comment.plain_body).toContain('Ciao Giulia, il tuo ordine #77');
    await waitFor(async () => (await sendRow(stack)).comment_state === 'done', { what: 'the comment recorded' });
    expect(await sendRow(stack)).toMatchObject({ state: 'sent', wamid: onPhone.wamid, comment_attempts: 1 });
    const settled = await waitFor(async () => {
      const m = (await api(stack, 'GET', `/tickets/${ticketId}/conversation`)).body.messages[0];
      return m.state === 'delivered' && m;
    }, { what: 'the delivery state from the statuses' });
    expect(settled).toMatchObject({ id: onPhone.wamid, failureReason: null });
    expect(settled.isUncertain).toBeUndefined();

    // A repeat now answers the success, still without sending.
    const replay = await send(stack, ticketId, 'k-1');
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: first.body.id, status: 'accepted', messageId: onPhone.wamid, ticketComment: 'added', replayed: true });
    await pause(300);
    expect(templatesSent(stack)).toHaveLength(1);
    expect(templateComments(stack, ticketId)).toHaveLength(1);
    expect(await stack.metricsText()).toMatch(/bridge_outbound_messages_total\{kind="template",outcome="in_doubt"\} 1/);
  });

  it('when no status comes within the grace period, then the send is "never confirmed" in plain words, not sent again, and a repeat says the same', async () => {
    const clock = new AdjustableClock();
    ({ stack, ticketId } = await setUp(clock));
    // This time a proxy answers 502 without Meta's error after Meta took it: just as unknown.
    stack.whatsapp.outbox.autoStatuses = false;
    stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, afterApply: true, status: 502, body: '<html>502 Bad Gateway</html>', times: 1 });
    expect((await send(stack, ticketId, 'k-1', 'es')).status).toBe(202);
    expect(templatesSent(stack)).toHaveLength(1);

    clock.advance(TEMPLATE_IN_DOUBT_GRACE_MS + 1000);
    await waitFor(async () => (await sendRow(stack)).state === 'failed', { what: 'the send recorded as never confirmed' });
    expect(await sendRow(stack)).toMatchObject({ comment_state: 'failed', wamid: null });

    const message = (await api(stack, 'GET', `/tickets/${ticketId}/conversation?locale=es`)).body.messages[0];
    expect(message).toMatchObject({ type: 'template', state: 'failed' });
    expect(message.failureReason).toContain('WhatsApp nunca confirmó este mensaje');

    const again = await send(stack, ticketId, 'k-1', 'es');
    expect(again.status).toBe(502);
    expect(again.body.error).toMatchObject({ code: 'not_confirmed', message: expect.stringContaining('WhatsApp nunca confirmó “order_update”') });
    await pause(300);
    expect(templatesSent(stack)).toHaveLength(1);
    expect(templateComments(stack, ticketId)).toHaveLength(0);
  });

  it('when Meta refuses the content, then a repeat with the same key answers the same error; when Meta was busy, then the repeat sends it', async () => {
    ({ stack, ticketId } = await setUp());
    stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, status: 400, body: { error: { message: 'policy', type: 'OAuthException', code: 132007, fbtrace_id: 'x' } }, times: 1 });
    const refused = await send(stack, ticketId, 'k-policy', 'pt-br');
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('graph_132007');
    const repeat = await send(stack, ticketId, 'k-policy', 'pt-br');
    expect(repeat.status).toBe(422);
    expect(repeat.body.error).toEqual({ ...refused.body.error, requestId: expect.any(String) });
    expect(templatesSent(stack)).toHaveLength(0);

    stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, status: 400, body: { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, fbtrace_id: 'y' } }, times: 1 });
    const busy = await send(stack, ticketId, 'k-busy');
    expect(busy.status).toBe(422);
    expect(busy.body.error.code).toBe('graph_130429');
    const retried = await send(stack, ticketId, 'k-busy');
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ status: 'accepted', messageId: expect.stringMatching(/^wamid\./), ticketComment: 'added', replayed: false });
    expect(templatesSent(stack)).toHaveLength(1);
    const replay = await send(stack, ticketId, 'k-busy');
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ...retried.body, replayed: true });
    expect(templatesSent(stack)).toHaveLength(1);
    expect(templateComments(stack, ticketId)).toHaveLength(1);
  });

  it('when the key is reused with other values or the customer has no address, then the agent reads why in their language', async () => {
    ({ stack, ticketId } = await setUp());
    expect((await send(stack, ticketId, 'k-1')).status).toBe(201);
    const conflict = await send(stack, ticketId, 'k-1', 'zh-cn', { ...orderValues, 'body.1': 'Marco' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'idempotency_conflict', message: expect.stringContaining('此发送密钥已在本工单上用于其他模板或其他值') });

    await stack.db.updateTable('customers').set({ wa_id: null, bsuid: null }).execute();
    const nowhere = await send(stack, ticketId, 'k-2', 'it');
    expect(nowhere.status).toBe(422);
    expect(nowhere.body.error).toMatchObject({ code: 'no_recipient', message: expect.stringContaining('non ha né un numero di telefono') });
    expect(templatesSent(stack)).toHaveLength(1);
  });
});
