/**
 * Zendesk says "slow down", fails, loses answers, refuses for good, or refuses the bridge's
 * credentials: every message still lands exactly once, or is visibly failed with the reason,
 * or waits for the operator, never lost and never doubled.
 */
import { listFailures } from '../../bridge-server/cli/inspect';
import { SimulatedCustomer, envelope, type PhoneMessage } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const GIULIA = 'whatsapp:wa:393331234567';

let stack: TestStack;
let giulia: SimulatedCustomer;
afterEach(async () => {
  await stack?.close();
});

async function send(...messages: PhoneMessage[]): Promise<void> {
  const res = await stack.send(envelope(stack.whatsapp.settings.phoneNumberId, messages));
  expect(res.status).toBe(200);
}

/** Giulia's first message, written normally: her ticket exists, so the next write is an update. */
async function withTicket(): Promise<number> {
  await send(giulia.text('primo messaggio'));
  const { tickets } = await stack.waitForComments(GIULIA, 1);
  return tickets[0].id;
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** Every public comment of Giulia's tickets, joined. */
function allText(): string {
  const user = stack.userByExternalId(GIULIA);
  return user ? stack.commentsOfUser(user).map((c) => c.plain_body).join('\n') : '';
}

async function expectWrittenOnce(texts: string[], tickets = 1): Promise<void> {
  await stack.settled();
  const user = stack.userByExternalId(GIULIA)!;
  expect(stack.ticketsOf(user)).toHaveLength(tickets);
  for (const t of texts) expect(occurrences(allText(), t)).toBe(1);
}

describe('Zendesk asks the bridge to slow down or fails for a while', () => {
  beforeEach(async () => {
    stack = await startTestStack();
    giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
  });

  it('when creating the ticket is answered 429 with Retry-After, then the message arrives after the wait, once', async () => {
    stack.zendesk.faults.add({ method: 'POST', path: '/api/v2/tickets', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    await send(giulia.text('ciao, aspetto'));
    const { comments } = await stack.waitForComments(GIULIA, 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await expectWrittenOnce(['ciao, aspetto']);
    expect(comments).toHaveLength(1);
    expect(await stack.metricsText()).toMatch(/bridge_zendesk_requests_total\{kind="create ticket",outcome="429"\} 1\b/);
  });

  it('when updating the ticket is answered 429 with Retry-After, then the message arrives after the wait, once', async () => {
    await withTicket();
    stack.zendesk.faults.add({ method: 'PUT', path: '/api/v2/tickets/:id', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    await send(giulia.text('secondo, dopo la pausa'));
    await stack.waitForComments(GIULIA, 2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await expectWrittenOnce(['primo messaggio', 'secondo, dopo la pausa']);
  });

  it('when Zendesk answers 500 then 503 to the create, then it is retried and the ticket is created once', async () => {
    stack.zendesk.faults.add({ method: 'POST', path: '/api/v2/tickets', status: 500 });
    stack.zendesk.faults.add({ method: 'POST', path: '/api/v2/tickets', status: 503 });
    await send(giulia.text('server in panne?'));
    await stack.waitForComments(GIULIA, 1);
    await expectWrittenOnce(['server in panne?']);
    expect(stack.zendesk.state.tickets.size).toBe(1);
  });

  it('when Zendesk answers 503 to an update without applying it, then the bridge checks, writes it again, and it lands once', async () => {
    await withTicket();
    stack.zendesk.faults.add({ method: 'PUT', path: '/api/v2/tickets/:id', status: 503 });
    await send(giulia.text('dopo il 503'));
    await stack.waitForComments(GIULIA, 2);
    await expectWrittenOnce(['dopo il 503']);
    expect(stack.zendesk.state.stats.byRoute['GET /api/v2/tickets/:id/audits']).toBeGreaterThanOrEqual(1);
  });

  it('when the connection drops before Zendesk applies an update, then the bridge finds it missing and writes it once', async () => {
    await withTicket();
    stack.zendesk.faults.add({ method: 'PUT', path: '/api/v2/tickets/:id', dropConnection: true });
    await send(giulia.text('connessione caduta'));
    await stack.waitForComments(GIULIA, 2);
    await expectWrittenOnce(['connessione caduta']);
  });
});

describe('Zendesk applies the write but the answer is lost', () => {
  beforeEach(async () => {
    stack = await startTestStack();
    giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
  });

  it.each([
    { how: 'the connection drops', fault: { dropConnection: true } },
    { how: 'a proxy answers 502', fault: { status: 502 } },
  ])('when an update is applied and then $how, then the bridge finds it in the audits and does not write it again', async ({ fault }) => {
    const ticketId = await withTicket();
    stack.zendesk.faults.add({ method: 'PUT', path: '/api/v2/tickets/:id', afterApply: true, ...fault });
    await send(giulia.text('scritto una volta sola'));
    await stack.waitForComments(GIULIA, 2);
    await expectWrittenOnce(['scritto una volta sola']);

    const deliveries = await stack.db.selectFrom('deliveries').select(['kind', 'state', 'ticket_id']).orderBy('created_at').execute();
    expect(deliveries).toEqual([
      { kind: 'create', state: 'done', ticket_id: ticketId },
      { kind: 'update', state: 'done', ticket_id: ticketId },
    ]);
    // The customer's next message goes on normally.
    await send(giulia.text('e poi il resto'));
    await stack.waitForComments(GIULIA, 3);
    await expectWrittenOnce(['scritto una volta sola', 'e poi il resto']);
  });

  it.each([
    { how: 'the connection drops', fault: { dropConnection: true } },
    { how: 'a proxy answers 502', fault: { status: 502 } },
  ])('when a ticket create is applied and then $how, then the Idempotency-Key replay returns the same ticket', async ({ fault }) => {
    stack.zendesk.faults.add({ method: 'POST', path: '/api/v2/tickets', afterApply: true, ...fault });
    await send(giulia.text('un ticket solo'));
    await stack.waitForComments(GIULIA, 1);
    await expectWrittenOnce(['un ticket solo']);
    expect(stack.zendesk.state.tickets.size).toBe(1);
    expect(stack.zendesk.state.stats.byRoute['POST /api/v2/tickets']).toBe(2);

    await send(giulia.text('e il seguito'));
    await stack.waitForComments(GIULIA, 2);
    await expectWrittenOnce(['un ticket solo', 'e il seguito']);
  });
});

describe('Zendesk refuses for good', () => {
  beforeEach(async () => {
    stack = await startTestStack();
    giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
  });

  const refusal = {
    status: 422,
    body: { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Comment: is blocked by the account\u2019s content policy' }] } },
  };

  it('when Zendesk refuses the comment with a 422 that is not about a closed or full ticket, then the messages are marked failed with the reason, listed and counted', async () => {
    await withTicket();
    stack.zendesk.faults.add({ method: 'PUT', path: '/api/v2/tickets/:id', ...refusal });
    const refused = giulia.text('contenuto rifiutato');
    await send(refused);

    const row = await waitFor(async () => (await stack.inboundMessages()).find((m) => m.message_id === refused.id && m.state === 'failed'), { what: 'the message marked failed' });
    expect(row.error).toContain('Zendesk rejected update ticket (422)');
    expect(row.error).toContain('content policy');

    const lines: string[] = [];
    await listFailures(stack.stack.config.databaseUrl, 10, (line) => lines.push(line));
    const output = lines.join('\n');
    expect(output).toContain('1 failed inbound message(s)');
    expect(output).toContain(refused.id);
    expect(output).toContain('customer "Giulia"');
    expect(output).toMatch(/why: Zendesk rejected update ticket \(422\).*content policy/);

    const metrics = await stack.metricsText();
    expect(metrics).toMatch(/bridge_inbound_messages_total\{outcome="failed"\} 1\b/);
    await waitFor(async () => /bridge_inbound_messages_dead_lettered 1\b/.test(await stack.metricsText()), { what: 'the failed gauge' });

    // The failure is not written, and it does not hold the customer's next messages back.
    expect(allText()).not.toContain('contenuto rifiutato');
    await send(giulia.text('questo invece passa'));
    await stack.waitForComments(GIULIA, 2);
    expect(allText()).toContain('questo invece passa');
  });

  it('when Zendesk refuses the customer\'s user with a 422, then the messages are marked failed with the reason instead of waiting forever', async () => {
    stack.zendesk.faults.add({
      method: 'POST',
      path: '/api/v2/users/create_or_update',
      status: 422,
      body: { error: 'RecordInvalid', description: 'Record validation errors', details: { name: [{ description: 'Name: is too long' }] } },
    });
    const refused = giulia.text('il mio nome è troppo lungo');
    await send(refused);
    const row = await waitFor(async () => (await stack.inboundMessages()).find((m) => m.message_id === refused.id && m.state === 'failed'), { what: 'the message marked failed' });
    expect(row.error).toContain('Name: is too long');
    expect(stack.zendesk.state.tickets.size).toBe(0);
  });
});

describe('the bridge\'s Zendesk credentials are wrong', () => {
  it('when the token is refused, then the messages wait (never failed) and go out once the operator fixes it', async () => {
    stack = await startTestStack({ env: { ZENDESK_OAUTH_TOKEN: 'revoked-token' }, bridge: { inboundMaxAttempts: 1 } });
    giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    await send(giulia.text('aspetto pazientemente'));

    await waitFor(() => (stack.zendesk.state.stats.byStatus['401'] ?? 0) >= 2, { what: 'two refused attempts' });
    expect((await stack.inboundMessages()).map((m) => m.state)).toEqual(['pending']);
    expect(await stack.metricsText()).not.toContain('bridge_inbound_messages_total{outcome="failed"}');
    expect(stack.zendesk.state.tickets.size).toBe(0);
    expect(await stack.metricsText()).toMatch(/bridge_zendesk_requests_total\{kind="user create_or_update",outcome="4xx"\} [2-9]/);

    // The operator fixes the credentials (here: Zendesk starts accepting the token).
    stack.zendesk.options.auth.bearerTokens.push('revoked-token');
    await stack.waitForComments(GIULIA, 1);
    await expectWrittenOnce(['aspetto pazientemente']);
  });

  it('when the token may not create tickets (403), then the messages wait even past the attempt limit', async () => {
    stack = await startTestStack({ bridge: { inboundMaxAttempts: 1 } });
    giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    const forbidden = stack.zendesk.faults.add({ method: 'POST', path: '/api/v2/tickets', status: 403, times: Infinity });
    await send(giulia.text('senza permessi'));

    await waitFor(() => (stack.zendesk.state.stats.byStatus['403'] ?? 0) >= 2, { what: 'two refused attempts' });
    // Released after the refusal (not failed), waiting for the next attempt.
    await waitFor(async () => (await stack.inboundMessages()).every((m) => m.state === 'pending'), { what: 'the message waiting again' });
    expect(await stack.metricsText()).not.toContain('bridge_inbound_messages_total{outcome="failed"}');

    stack.zendesk.faults.remove(forbidden.id);
    await stack.waitForComments(GIULIA, 1);
    await expectWrittenOnce(['senza permessi']);
  });
});
