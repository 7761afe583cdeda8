/**
 * `npm start` keeps its sandbox: a stack started with `persist` writes the simulators' snapshots
 * and a second stack on the same folder and store continues with the same tickets, comments,
 * customers and window. A corrupt snapshot is moved aside and the sandbox still starts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AdjustableClock } from '../../bridge-server/lib/clock';
import { createSandboxConsole } from '../../bridge-server/sandbox/console';
import { loadClockOffset, SNAPSHOT_FILES } from '../../bridge-server/sandbox/persistence';
import { SANDBOX_BRIDGE_API_KEY, startStack, type Stack } from '../../bridge-server/sandbox/stack';
import { waitFor } from '../helpers/stack';

describe('the sandbox kept between runs', () => {
  let dir: string;
  let stack: Stack | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-zd-persist-'));
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = (clock: AdjustableClock, logger?: { info: jest.Mock; warn: jest.Mock; error: jest.Mock }) =>
    startStack({ databaseUrl: `sqlite:${path.join(dir, 'sandbox.db')}`, clock, persist: { dir, intervalMs: 50, logger }, bridge: { worker: { sweepIntervalMs: 200, bulkIntervalMs: 100 }, outbound: { sweepIntervalMs: 100 } } });

  const windowOf = async (s: Stack, ticketId: number) => {
    const res = await fetch(`${s.bridgeUrl}/api/v1/tickets/${ticketId}/conversation`, { headers: { authorization: `Bearer ${SANDBOX_BRIDGE_API_KEY}` } });
    return ((await res.json()) as { window: { state: string; lastCustomerMessageAt: string } }).window;
  };

  it('when the sandbox is stopped and started again, then tickets, comments, customers, replies and the window are still there', async () => {
    const clock = new AdjustableClock();
    stack = await start(clock);
    expect(stack.restored).toEqual({ zendesk: false, whatsapp: false });
    await stack.setupZendesk();
    const consoleServer = createSandboxConsole({ stack, clock, buildSidebar: false });
    const url = await consoleServer.listen(0);
    const post = (p: string, body: unknown) => fetch(`${url}/api${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post('/customers', { name: 'Giulia Rossi', number: '393331234567' });
    await post('/customers/393331234567/messages', { type: 'text', text: 'Ciao! Il mio ordine #1042? 📦' });
    await post('/customers/393331234567/messages', { type: 'document', caption: 'la ricevuta' });
    const ticket = await waitFor(() => [...stack!.zendesk.state.tickets.values()][0], { what: 'the ticket' });
    await waitFor(() => stack!.zendesk.comments(ticket.id).some((c) => c.attachment_ids.length > 0), { what: 'the document on the ticket' });
    await post(`/tickets/${ticket.id}/comments`, { body: 'Arriva domani!', public: true });
    await waitFor(() => stack!.whatsapp.outbox.sent.find((m) => m.status === 'delivered'), { what: 'the reply delivered' });
    await post('/clock/advance', { hours: 2 });
    const before = await windowOf(stack, ticket.id);
    const comments = stack.zendesk.comments(ticket.id).map((c) => c.body);
    await consoleServer.close();
    await stack.close();
    stack = undefined;
    for (const file of Object.values(SNAPSHOT_FILES)) expect(fs.existsSync(path.join(dir, file))).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);

    const offset = loadClockOffset(dir);
    expect(offset).toBe(2 * 3_600_000);
    stack = await start(new AdjustableClock(offset));
    expect(stack.restored).toEqual({ zendesk: true, whatsapp: true });
    await stack.setupZendesk();
    expect(stack.zendesk.comments(ticket.id).map((c) => c.body)).toEqual(comments);
    const attachmentId = stack.zendesk.comments(ticket.id).flatMap((c) => c.attachment_ids)[0];
    expect(stack.zendesk.state.attachments.get(attachmentId)?.data.subarray(0, 5).toString()).toBe('%PDF-');
    expect(stack.whatsapp.state.customers.get('393331234567')?.name).toBe('Giulia Rossi');
    expect(stack.whatsapp.outbox.sent.map((m) => [m.type, m.status])).toEqual([['text', 'delivered']]);
    expect(await windowOf(stack, ticket.id)).toEqual(expect.objectContaining({ state: 'open', lastCustomerMessageAt: before.lastCustomerMessageAt }));

    // The loop still runs on the restored data: the same ticket takes the next message, no duplicate user.
    const users = stack.zendesk.state.users.size;
    const console2 = createSandboxConsole({ stack, clock: new AdjustableClock(), buildSidebar: false });
    const url2 = await console2.listen(0);
    await fetch(`${url2}/api/customers/393331234567/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'text', text: 'Grazie!' }) });
    await waitFor(() => stack!.zendesk.comments(ticket.id).some((c) => c.body.includes('Grazie!')), { what: 'the new message on the same ticket' });
    expect(stack.zendesk.state.users.size).toBe(users);
    expect(stack.zendesk.state.tickets.size).toBe(1);
    await console2.close();
  }, 30_000);

  it('when a snapshot is corrupt, then it is moved aside with a clear log line and the sandbox starts empty', async () => {
    fs.writeFileSync(path.join(dir, SNAPSHOT_FILES.zendesk), '{"version":1,"users":[');
    fs.writeFileSync(path.join(dir, SNAPSHOT_FILES.whatsapp), JSON.stringify({ version: 1, media: 'nope' }));
    const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    stack = await start(new AdjustableClock(), logger);
    expect(stack.restored).toEqual({ zendesk: false, whatsapp: false });
    const moved = fs.readdirSync(dir).filter((f) => f.includes('.corrupt-'));
    expect(moved).toHaveLength(2);
    expect(logger.error).toHaveBeenCalledTimes(2);
    const messages = logger.error.mock.calls.map((c) => String(c[1]));
    expect(messages[0]).toMatch(/sandbox-zendesk\.json was not loaded because it is not valid JSON.*moved to/);
    expect(messages[1]).toMatch(/sandbox-whatsapp\.json was not loaded because it does not have the expected shape \(media:/);
    expect(stack.zendesk.state.tickets.size).toBe(0);
    expect(stack.zendesk.admin.role).toBe('admin');
  });
});
