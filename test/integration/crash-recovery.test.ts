/**
 * A real crash: the bridge runs as its own process (`tsx bridge-server/main.ts start`), writes
 * to Zendesk while Zendesk is slow to answer, and is killed with SIGKILL in the middle. A new
 * process on the same store must finish the work: every message on its ticket exactly once, in
 * order, none lost, including the writes Zendesk applied but the dead process never recorded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../bridge-server/store';
import { DEFAULT_BEARER_TOKEN, createZendeskSandbox, type ZendeskSandbox } from '../../bridge-server/sandbox/zendesk';
import { createWhatsAppSandbox, type WhatsAppSandbox } from '../../bridge-server/sandbox/whatsapp';
import { SimulatedCustomer, deliver, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { SANDBOX_VERIFY_TOKEN } from '../../bridge-server/sandbox/stack';
import { waitFor } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');

jest.setTimeout(40_000);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

class BridgeProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<NodeJS.Signals | number | null>;

  constructor(env: NodeJS.ProcessEnv) {
    // `node --import tsx` rather than the tsx CLI: the CLI runs the bridge in a child process of
    // its own and cannot pass SIGKILL on, so killing it would leave the bridge running.
    this.child = spawn(process.execPath, ['--import', 'tsx', 'bridge-server/main.ts', 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(signal ?? code)));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals): Promise<NodeJS.Signals | number | null> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }
}

describe('the bridge process is killed while it writes to Zendesk', () => {
  let zendesk: ZendeskSandbox;
  let whatsapp: WhatsAppSandbox;
  let dir: string;
  let bridgeUrl: string;
  let env: NodeJS.ProcessEnv;
  const processes: BridgeProcess[] = [];

  beforeAll(async () => {
    zendesk = createZendeskSandbox();
    whatsapp = createWhatsAppSandbox({ apiVersion: 'v26.0' });
    const [zendeskUrl, graphUrl] = await Promise.all([zendesk.listen(), whatsapp.listen()]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-zd-crash-'));
    const port = await freePort();
    bridgeUrl = `http://127.0.0.1:${port}`;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DATABASE_URL: `sqlite:${path.join(dir, 'bridge.db')}`,
      LOG_LEVEL: 'warn',
      WHATSAPP_APP_SECRET: whatsapp.settings.appSecret,
      WHATSAPP_VERIFY_TOKEN: SANDBOX_VERIFY_TOKEN,
      WHATSAPP_ACCESS_TOKEN: whatsapp.settings.accessToken,
      WHATSAPP_PHONE_NUMBER_ID: whatsapp.settings.phoneNumberId,
      WHATSAPP_GRAPH_URL: graphUrl,
      WHATSAPP_API_VERSION: whatsapp.settings.apiVersion,
      ZENDESK_URL: zendeskUrl,
      ZENDESK_OAUTH_TOKEN: DEFAULT_BEARER_TOKEN,
      ZENDESK_PLAN: 'enterprise',
      // The simulated Zendesk applies a write as it arrives: nothing is still in flight after
      // the kill, so the restarted bridge may look its deliveries up at once.
      RECONCILE_AFTER_SECONDS: '0',
    };
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await Promise.all([zendesk.close(), whatsapp.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startBridge(): Promise<BridgeProcess> {
    const bridge = new BridgeProcess(env);
    processes.push(bridge);
    await waitFor(
      async () => {
        if (!bridge.alive) throw new Error(`the bridge exited:\n${bridge.output.join('')}`);
        const res = await fetch(`${bridgeUrl}/readyz`).catch(() => null);
        return res?.status === 200;
      },
      { timeoutMs: 20_000, intervalMs: 50, what: () => `the bridge process to be ready\n${bridge.output.join('')}` },
    );
    return bridge;
  }

  /** Requests the Zendesk sandbox has received and not yet answered (or dropped). */
  function zendeskInFlight(): number {
    const { requests, byStatus } = zendesk.state.stats;
    return requests - Object.values(byStatus).reduce((a, b) => a + b, 0);
  }

  function commentsOf(externalId: string): string[] {
    const user = [...zendesk.state.users.values()].find((u) => u.external_id === externalId);
    if (!user) return [];
    return [...zendesk.state.tickets.values()]
      .filter((t) => t.requester_id === user.id)
      .sort((a, b) => a.id - b.id)
      .flatMap((t) => zendesk.comments(t.id).map((c) => c.plain_body));
  }

  it('when it is killed mid-burst and a new process starts on the same store, then every message is on its ticket exactly once and in order', async () => {
    const customers = Array.from({ length: 6 }, (_, i) => new SimulatedCustomer({ waId: `4477009000${String(10 + i)}`, name: `Cliente ${i}` }));
    const sent = new Map<SimulatedCustomer, string[]>(customers.map((c) => [c, []]));
    const t0 = Math.floor(Date.now() / 1000) - 3600;
    const round = (k: number) =>
      envelope(
        whatsapp.settings.phoneNumberId,
        customers.map((c, i) => {
          const text = `cliente-${i} messaggio-${String(k).padStart(2, '0')}`;
          sent.get(c)!.push(text);
          return c.text(text, { timestamp: t0 + k });
        }),
      );

    // Zendesk applies every ticket write at once but answers it only 400 ms later: there are
    // always writes that landed without the bridge knowing yet.
    zendesk.faults.add({ method: 'POST', path: '/api/v2/tickets', afterApply: true, delayMs: 400, times: Infinity });
    zendesk.faults.add({ method: 'PUT', path: '/api/v2/tickets/:id', afterApply: true, delayMs: 400, times: Infinity });

    const first = await startBridge();
    const webhookUrl = `${bridgeUrl}/webhooks/whatsapp`;
    for (let k = 0; k < 6; k++) {
      const res = await deliver(webhookUrl, round(k), whatsapp.settings.appSecret);
      expect(res.status).toBe(200);
    }

    // Mid-way: some comments are written, and ticket writes are waiting for Zendesk's answer.
    const written = () => [...zendesk.state.comments.values()].reduce((n, list) => n + list.length, 0);
    await waitFor(() => written() >= 3 && zendeskInFlight() >= 2, { timeoutMs: 15_000, intervalMs: 5, what: 'deliveries in flight' });
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');

    // What the dead process left behind: deliveries it started, some of which Zendesk applied.
    const store = openStore(env.DATABASE_URL!);
    const interrupted = await store.db.selectFrom('deliveries').select('id').where('state', '=', 'sending').execute();
    await store.close();
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    await waitFor(() => zendeskInFlight() === 0, { what: 'Zendesk to finish the requests of the dead process' });
    const landed = interrupted.filter((d) =>
      [...zendesk.state.audits.values()].flat().some((a) => (a.metadata.custom as { whatsapp_bridge?: { delivery?: string } }).whatsapp_bridge?.delivery === d.id),
    );
    expect(landed.length).toBeGreaterThanOrEqual(1);

    // While the bridge is down, Meta's POST fails; Meta delivers the same body again later.
    const retried = round(6);
    const whileDown = await deliver(webhookUrl, retried, whatsapp.settings.appSecret).then(
      (res) => `answered ${res.status}`,
      (e: Error) => e.message,
    );
    expect(whileDown).toBe('fetch failed');

    const second = await startBridge();
    expect((await deliver(webhookUrl, retried, whatsapp.settings.appSecret)).status).toBe(200);
    expect((await deliver(webhookUrl, round(7), whatsapp.settings.appSecret)).status).toBe(200);

    await waitFor(
      () =>
        customers.every((c) => {
          const all = commentsOf(`whatsapp:wa:${c.waId}`).join('\n');
          return sent.get(c)!.every((t) => all.includes(t));
        }),
      { timeoutMs: 20_000, what: () => `every message on its ticket\n${second.output.join('')}` },
    );
    expect(await second.kill('SIGTERM')).toBe(0);

    // Nothing left behind in the store either: every message delivered, no write in doubt.
    const after = openStore(env.DATABASE_URL!);
    const states = await after.db.selectFrom('inbound_messages').select('state').execute();
    const inDoubt = await after.db.selectFrom('deliveries').select('id').where('state', '=', 'sending').execute();
    await after.close();
    expect(states).toHaveLength(customers.length * 8);
    expect(states.every((m) => m.state === 'delivered')).toBe(true);
    expect(inDoubt).toEqual([]);

    customers.forEach((c, i) => {
      const user = [...zendesk.state.users.values()].filter((u) => u.external_id === `whatsapp:wa:${c.waId}`);
      expect(user).toHaveLength(1);
      expect([...zendesk.state.tickets.values()].filter((t) => t.requester_id === user[0].id)).toHaveLength(1);
      const all = commentsOf(`whatsapp:wa:${c.waId}`).join('\n');
      const expected = sent.get(c)!;
      expect(expected).toHaveLength(8);
      let previous = -1;
      for (const text of expected) {
        expect(all.split(text).length - 1).toBe(1);
        const at = all.indexOf(text);
        expect(at).toBeGreaterThan(previous);
        previous = at;
      }
      expect(expected[0]).toBe(`cliente-${i} messaggio-00`);
    });
  });
});
