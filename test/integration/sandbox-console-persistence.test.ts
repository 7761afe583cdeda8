/**
 * `npm start` keeps its sandbox: a stack started with `persist` writes the simulators' snapshots
 * and a second stack on the same folder and store continues with the same tickets, comments,
 * customers and window. A corrupt snapshot is moved aside and the sandbox still starts; a store
 * that does not match the saved account (a kill before the account was saved, a corrupt account)
 * is never kept, so no customer's message lands on another customer's ticket.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AdjustableClock } from '../../bridge-server/lib/clock';
import { createSandboxConsole } from '../../bridge-server/sandbox/console';
import { createLogger } from '../../bridge-server/lib/logger';
import { loadClockOffset, SNAPSHOT_FILES } from '../../bridge-server/sandbox/persistence';
import { SANDBOX_BRIDGE_API_KEY, startStack, type Stack } from '../../bridge-server/sandbox/stack';
import { launchSandbox, type RunningSandbox } from '../../bridge-server/sandbox/start';
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

describe('npm start after a crash or a bad snapshot (launchSandbox)', () => {
  let dir: string;
  let running: RunningSandbox | undefined;
  const errors: string[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-zd-launch-'));
    errors.length = 0;
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Error lines of the sandbox's own log, as the user would read them in the terminal.
  const logger = createLogger('error', { write: (line: string) => void errors.push(String(JSON.parse(line).msg)) });
  const launch = async () => {
    running = await launchSandbox({ dataDir: dir, port: 0, consolePort: 0, logger, buildSidebar: false, bridge: { worker: { sweepIntervalMs: 200, bulkIntervalMs: 100 }, outbound: { sweepIntervalMs: 100 } } });
    return running;
  };
  const stop = async () => {
    await running?.close();
    running = undefined;
  };
  const send = (sandbox: RunningSandbox, waId: string, body: unknown) =>
    fetch(`${sandbox.consoleUrl}/api/customers/${waId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const addCustomer = (sandbox: RunningSandbox, name: string, number: string) =>
    fetch(`${sandbox.consoleUrl}/api/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, number }) });
  const requesterName = (sandbox: RunningSandbox, ticketId: number) => sandbox.stack.zendesk.state.users.get(sandbox.stack.zendesk.state.tickets.get(ticketId)!.requester_id)?.name;
  const accountFile = () => path.join(dir, SNAPSHOT_FILES.zendesk);

  it('when the sandbox was killed before the Zendesk account was saved, then it starts fresh, says why, and a new customer gets a ticket of their own', async () => {
    let sandbox = await launch();
    expect(sandbox.data.outcome).toBe('new');
    await waitFor(() => sandbox.stack.zendesk.state.tickets.get(1), { what: 'Giulia’s sample ticket' });
    await stop();
    // The account as it was saved before the last changes: what a kill -9 leaves on disk.
    const savedBeforeTheKill = fs.readFileSync(accountFile());

    sandbox = await launch();
    expect(sandbox.data.outcome).toBe('continue');
    await addCustomer(sandbox, 'Marco Bianchi', '393471112233');
    await send(sandbox, '393471112233', { type: 'text', text: 'Buongiorno, fattura?' });
    await waitFor(() => sandbox.stack.zendesk.state.tickets.get(2), { what: 'Marco’s ticket' });
    // Saved promptly (within a few hundred ms), without waiting for the shutdown.
    await waitFor(() => fs.readFileSync(accountFile(), 'utf8').includes('Buongiorno, fattura?'), { what: 'the account saved with Marco’s ticket', timeoutMs: 2000 });
    await stop();
    fs.writeFileSync(accountFile(), savedBeforeTheKill);

    sandbox = await launch();
    expect(sandbox.data).toEqual(expect.objectContaining({ outcome: 'fresh-after-mismatch', reason: expect.stringContaining('ticket #2') }));
    expect(errors.join('\n')).toMatch(/starts fresh because the bridge's store and the saved simulated Zendesk account disagree: .*ticket #2.*moved to .*sandbox-set-aside-/);
    const setAside = fs.readdirSync(dir).find((f) => f.startsWith('sandbox-set-aside-'))!;
    expect(fs.readdirSync(path.join(dir, setAside)).sort()).toEqual(expect.arrayContaining(['sandbox-whatsapp.json', 'sandbox-zendesk.json', 'sandbox.db']));
    expect(sandbox.sample).toContain('set aside');

    // The fresh sandbox: Giulia's sample is ticket #1 again, and Marco's next message gets a ticket of his own.
    await waitFor(() => sandbox.stack.zendesk.state.tickets.get(1), { what: 'the new sample ticket' });
    await addCustomer(sandbox, 'Marco Bianchi', '393471112233');
    await send(sandbox, '393471112233', { type: 'text', text: 'Ci sono di nuovo' });
    const marcos = await waitFor(() => [...sandbox.stack.zendesk.state.tickets.values()].find((t) => t.description.includes('Ci sono di nuovo')), { what: 'Marco’s new ticket' });
    expect(requesterName(sandbox, marcos.id)).toBe('Marco Bianchi');
    expect(requesterName(sandbox, 1)).toBe('Giulia Rossi');
    expect(sandbox.stack.zendesk.comments(1).map((c) => c.body).join(' ')).not.toContain('Ci sono di nuovo');
  }, 60_000);

  it('when the saved Zendesk account is corrupt, then the bridge store is moved aside too and the sample starts a fresh ticket', async () => {
    let sandbox = await launch();
    await waitFor(() => sandbox.stack.zendesk.state.tickets.get(1), { what: 'Giulia’s sample ticket' });
    await stop();
    fs.writeFileSync(accountFile(), '{"version":1,"tickets":[');

    sandbox = await launch();
    expect(sandbox.data.outcome).toBe('fresh-after-corrupt');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('sandbox.db.corrupt-'))).not.toEqual([]);
    expect(errors.join('\n')).toMatch(/sandbox-zendesk\.json was not loaded because it is not valid JSON/);
    expect(errors.join('\n')).toMatch(/The bridge's store .*sandbox\.db was moved to .*sandbox\.db\.corrupt-.* The sandbox starts fresh\./);
    const ticket = await waitFor(() => sandbox.stack.zendesk.state.tickets.get(1), { what: 'the sample on a fresh ticket' });
    await waitFor(() => sandbox.stack.zendesk.comments(ticket.id).length > 0, { what: 'the sample comment' });
    expect(sandbox.stack.zendesk.comments(ticket.id).map((c) => c.body)).toEqual([expect.stringContaining('Il mio ordine #1042')]);
    // The store knows only this run's Giulia, on this run's ticket.
    const customers = await sandbox.stack.bridge.store.db.selectFrom('customers').select(['wa_id', 'ticket_id']).execute();
    expect(customers).toEqual([{ wa_id: '393331234567', ticket_id: ticket.id }]);
  }, 60_000);
});
