/**
 * The bridge's front door, over real HTTP: Meta's verification handshake, signatures over the
 * raw bytes (with a rotated secret), signed input the bridge cannot understand kept for
 * inspection, and what an operator watches: health, readiness and metrics.
 */
import { sql } from 'kysely';
import { listDeadLetters } from '../../bridge-server/cli/inspect';
import { SANDBOX_VERIFY_TOKEN } from '../../bridge-server/sandbox/stack';
import { SimulatedCustomer, deliver, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { signPayload } from '../../bridge-server/whatsapp/signature';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const PREVIOUS_SECRET = 'the-app-secret-before-rotation';

let stack: TestStack;
beforeEach(async () => {
  stack = await startTestStack({ env: { WHATSAPP_APP_SECRET_PREVIOUS: PREVIOUS_SECRET } });
});
afterEach(async () => {
  await stack.close();
});

const giulia = () => new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });

async function storedEvents(): Promise<number> {
  return (await stack.db.selectFrom('webhook_events').select('id').execute()).length;
}

async function deadLetterListing(): Promise<string> {
  const lines: string[] = [];
  await listDeadLetters(stack.stack.config.databaseUrl, 10, (line) => lines.push(line));
  return lines.join('\n');
}

/** A signed POST of raw bytes, as Meta would send them. */
function postRaw(body: string, secret = stack.whatsapp.settings.appSecret): Promise<Response> {
  return fetch(stack.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, secret) }, body });
}

describe('Meta verifies the webhook URL', () => {
  const verify = (query: Record<string, string>) => fetch(`${stack.webhookUrl}?${new URLSearchParams(query)}`);

  it('when the verify token matches, then the challenge is answered as plain text, exactly', async () => {
    const res = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': SANDBOX_VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it('when the verify token is wrong or the mode is not subscribe, then 403', async () => {
    const wrong = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '42' });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('42');
    expect((await verify({ 'hub.mode': 'unsubscribe', 'hub.verify_token': SANDBOX_VERIFY_TOKEN, 'hub.challenge': '42' })).status).toBe(403);
    expect(await stack.metricsText()).toMatch(/bridge_webhooks_refused_total\{source="whatsapp",reason="verify-token"\} 2\b/);
  });
});

describe('Meta signs every POST', () => {
  it('when the signature was made with another secret, then 401 and nothing is stored', async () => {
    const res = await deliver(stack.webhookUrl, envelope(undefined, [giulia().text('falso')]), 'not-the-app-secret');
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('signature_mismatch');
    expect(body.error.message).toContain('WHATSAPP_APP_SECRET');
    expect(await storedEvents()).toBe(0);
    expect(await stack.metricsText()).toMatch(/bridge_webhooks_refused_total\{source="whatsapp",reason="mismatch"\} 1\b/);
  });

  it('when the signature header is malformed, then 401 says what it should look like', async () => {
    const res = await deliver(stack.webhookUrl, envelope(undefined, [giulia().text('x')]), 'unused', { signature: 'sha1=abcdef' });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('signature_malformed');
    expect(body.error.message).toContain('X-Hub-Signature-256');
    expect(await storedEvents()).toBe(0);
  });

  it('when the body was re-serialised after signing, then the signature no longer matches', async () => {
    const payload = envelope(undefined, [giulia().text('caffè ☕ https://example.com/x')]);
    // Meta escapes "/" and non-ASCII; a body re-serialised by a proxy is other bytes.
    const res = await deliver(stack.webhookUrl, payload, 'unused', { metaEscaping: false, signature: signPayload(Buffer.from(JSON.stringify(payload).replace(/\//g, '\\/')), stack.whatsapp.settings.appSecret) });
    expect(res.status).toBe(401);
    expect(await storedEvents()).toBe(0);
  });

  it('when Meta still signs with the previous (rotated) secret, then the webhook is accepted and the message arrives', async () => {
    const res = await deliver(stack.webhookUrl, envelope(undefined, [giulia().text('firmato col vecchio segreto')]), PREVIOUS_SECRET);
    expect(res.status).toBe(200);
    const { comments } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    expect(comments[0].plain_body).toContain('firmato col vecchio segreto');
  });

  it('when the store cannot take the webhook, then 503 (so Meta retries), and the retry is stored and written', async () => {
    await sql`alter table webhook_events rename to webhook_events_away`.execute(stack.db);
    const body = envelope(undefined, [giulia().text('riprova più tardi')]);
    const refused = await stack.send(body);
    expect(refused.status).toBe(503);
    await sql`alter table webhook_events_away rename to webhook_events`.execute(stack.db);

    expect((await stack.send(body)).status).toBe(200);
    const { comments } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    expect(comments[0].plain_body).toContain('riprova più tardi');
  });
});

describe('signed input the bridge cannot understand is kept, not refused', () => {
  it('when a signed body is not JSON, then 200, and it is kept as a dead letter that the CLI lists and /metrics counts', async () => {
    const res = await postRaw('{"object":"whatsapp_business_account","entry":[');
    expect(res.status).toBe(200);
    const [letter] = await waitFor(async () => {
      const rows = await stack.db.selectFrom('dead_letters').selectAll().execute();
      return rows.length > 0 && rows;
    }, { what: 'the dead letter' });
    expect(letter).toMatchObject({ path: 'body', raw: '{"object":"whatsapp_business_account","entry":[' });
    expect(letter.reason).toMatch(/^not JSON/);

    const listing = await deadLetterListing();
    expect(listing).toContain('1 dead letter(s)');
    expect(listing).toContain('why: not JSON');
    expect(listing).toContain('raw: {"object":"whatsapp_business_account","entry":[');
    expect(await stack.metricsText()).toMatch(/bridge_dead_letters_total\{source="whatsapp"\} 1\b/);
  });

  it('when a signed body has an unknown shape, then 200 and a dead letter that says why', async () => {
    const res = await stack.send({ object: 'page', entry: [{ id: '1', messaging: [] }] });
    expect(res.status).toBe(200);
    await stack.settled();
    const letters = await stack.db.selectFrom('dead_letters').select(['path', 'reason']).execute();
    expect(letters).toEqual([{ path: 'body', reason: expect.stringContaining('not "whatsapp_business_account"') }]);
    expect(await deadLetterListing()).toContain('(a webhook of another Meta product subscribed to this URL?)');
  });

  it('when a signed POST mixes an unknown field and a malformed message with good messages, then the good ones arrive and the rest are dead letters', async () => {
    const g = giulia();
    const body = envelope(undefined, [g.text('buono'), { id: 'wamid.broken', type: 'text', timestamp: '1700000000', from: '393331234567' } as never]);
    body.entry[0].changes.push({ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } });
    expect((await stack.send(body)).status).toBe(200);

    const { comments } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    expect(comments[0].plain_body).toContain('buono');
    await stack.settled();
    const letters = await stack.db.selectFrom('dead_letters').select(['path', 'reason']).orderBy('id').execute();
    expect(letters).toEqual([
      { path: 'entry[0].changes[0].value.messages[1]', reason: expect.stringContaining('text') },
      { path: 'entry[0].changes[1]', reason: expect.stringContaining('the field "account_update" is not handled') },
    ]);
    expect(await stack.metricsText()).toMatch(/bridge_dead_letters_total\{source="whatsapp"\} 2\b/);
  });
});

describe('what an operator watches', () => {
  it('when /healthz and /readyz are asked, then the bridge is alive and ready with every check ok', async () => {
    const health = await fetch(`${stack.bridgeUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const ready = await fetch(`${stack.bridgeUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', migrations: 'ok', workers: 'ok' } });
  });

  it('when the worker is stopped, then /readyz answers 503 and says which check failed', async () => {
    await stack.bridge.worker.stop();
    const ready = await fetch(`${stack.bridgeUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not ready', checks: { store: 'ok', migrations: 'ok', workers: 'stopped' } });
  });

  it('when traffic has flowed, then /metrics reports webhooks received and refused, Zendesk requests by outcome (429 too) and the latency histogram', async () => {
    stack.zendesk.faults.add({ method: 'POST', path: '/api/v2/users/create_or_update', status: 429, retryAfterSeconds: 0 });
    await stack.send(envelope(undefined, [giulia().text('uno')]));
    await deliver(stack.webhookUrl, envelope(undefined, []), 'wrong-secret');
    await stack.waitForComments('whatsapp:wa:393331234567', 1);
    await stack.settled();

    const res = await fetch(`${stack.bridgeUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE bridge_webhooks_received_total counter');
    expect(text).toMatch(/bridge_webhooks_received_total\{source="whatsapp"\} 1\b/);
    expect(text).toMatch(/bridge_webhooks_refused_total\{source="whatsapp",reason="mismatch"\} 1\b/);
    expect(text).toMatch(/bridge_zendesk_requests_total\{kind="user create_or_update",outcome="429"\} 1\b/);
    expect(text).toMatch(/bridge_zendesk_requests_total\{kind="user create_or_update",outcome="2xx"\} 1\b/);
    expect(text).toMatch(/bridge_zendesk_requests_total\{kind="create ticket",outcome="2xx"\} 1\b/);
    expect(text).toMatch(/bridge_inbound_messages_total\{outcome="stored"\} 1\b/);
    expect(text).toMatch(/bridge_inbound_messages_total\{outcome="delivered"\} 1\b/);
    expect(text).toContain('# TYPE bridge_inbound_latency_seconds histogram');
    expect(text).toMatch(/bridge_inbound_latency_seconds_bucket\{le="\+Inf"\} 1\b/);
    expect(text).toMatch(/bridge_inbound_latency_seconds_count 1\b/);
    // Process metrics come along for free.
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
