import { signZendeskWebhook } from '../../bridge-server/zendesk/webhook-signature';
import { startTestStack, type TestStack } from '../helpers/stack';

describe('Zendesk setup and the Zendesk webhook', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  it('when setup runs twice, then the second run changes nothing; a dry run changes nothing either', async () => {
    const dry = await stack.stack.setupZendesk({ dryRun: true });
    expect(dry.steps.map((s) => `${s.what}:${s.action}`)).toEqual(['webhook:create', 'trigger:create', 'field:create']);
    expect(stack.zendesk.state.ticketFields.size).toBe(0);
    expect(stack.zendesk.state.webhooks.size).toBe(0);
    expect(stack.zendesk.state.triggers.size).toBe(0);

    const first = await stack.stack.setupZendesk();
    expect(first.changed).toBe(true);
    expect(first.secret).toBe([...stack.zendesk.state.webhooks.values()][0].signing_secret);
    const snapshot = () => JSON.stringify([[...stack.zendesk.state.webhooks.values()], [...stack.zendesk.state.triggers.values()], [...stack.zendesk.state.ticketFields.values()]]);
    const before = snapshot();
    const second = await stack.stack.setupZendesk();
    expect(second.changed).toBe(false);
    expect(second.steps.every((s) => s.action === 'unchanged')).toBe(true);
    expect(snapshot()).toBe(before);
    const trigger = [...stack.zendesk.state.triggers.values()][0];
    expect(trigger.actions[0].value).toEqual([first.webhookId, expect.stringContaining('{{ticket.id}}')]);
  });

  async function post(body: string, headers: Record<string, string>) {
    return fetch(`${stack.bridgeUrl}/webhooks/zendesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  it('when the signature is wrong, missing or the timestamp is stale, then the webhook is refused with 401 and nothing is stored', async () => {
    const { secret } = await stack.stack.setupZendesk();
    const body = JSON.stringify({ ticket_id: '1' });
    const now = new Date().toISOString();
    const stale = new Date(Date.now() - 6 * 60_000).toISOString();
    expect((await post(body, { 'x-zendesk-webhook-signature': signZendeskWebhook(body, now, 'wrong-secret'), 'x-zendesk-webhook-signature-timestamp': now })).status).toBe(401);
    expect((await post(body, {})).status).toBe(401);
    const staleRes = await post(body, { 'x-zendesk-webhook-signature': signZendeskWebhook(body, stale, secret as string), 'x-zendesk-webhook-signature-timestamp': stale });
    expect(staleRes.status).toBe(401);
    expect((await staleRes.json()).error.code).toBe('signature_stale');
    const rows = await stack.db.selectFrom('webhook_events').select('id').where('source', '=', 'zendesk').execute();
    expect(rows).toHaveLength(0);

    const ok = await post(body, { 'x-zendesk-webhook-signature': signZendeskWebhook(body, now, secret as string), 'x-zendesk-webhook-signature-timestamp': now });
    expect(ok.status).toBe(200);
  });
});
