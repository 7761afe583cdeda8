/**
 * `npm start` with no credentials: the simulated WhatsApp Cloud API and Zendesk, the bridge wired
 * to them, and the sandbox console (PORT + 1) to drive the loop in a browser. Everything is kept
 * under ./data/ (the bridge's store and the simulators' snapshots), so a second `npm start`
 * continues where the first one stopped.
 */
import path from 'node:path';
import { AdjustableClock } from '../lib/clock';
import { createLogger, type Logger } from '../lib/logger';
import type { BridgeOptions } from '../bridge';
import { createSandboxConsole, type SandboxConsole } from './console';
import { sendAsCustomer } from './console/phone';
import { prepareSandboxData, type DataDecision } from './data-check';
import { loadClockOffset } from './persistence';
import { startStack, type Stack } from './stack';

export const SANDBOX_DATA_DIR = './data';
const SANDBOX_DB = 'sandbox.db';
const GIULIA = { waId: '393331234567', name: 'Giulia Rossi' };

export interface LaunchSandboxOptions {
  /** Where the store and the simulators' snapshots live (kept between runs). */
  dataDir: string;
  /** The bridge's port (0: any free port). */
  port: number;
  /** The console's port (0: any free port). */
  consolePort: number;
  logger: Logger;
  /** Extra bridge options (the browser test shortens the workers' intervals). */
  bridge?: Omit<BridgeOptions, 'logger'>;
  /** Build the sidebar app for the console (default true; API tests pass false). */
  buildSidebar?: boolean;
}

export interface RunningSandbox {
  stack: Stack;
  clock: AdjustableClock;
  console: SandboxConsole;
  consoleUrl: string;
  /** What to tell the user about the sample conversation (or the sandbox continued). */
  sample: string;
  /** Whether ./data/ was continued or started afresh, and why. */
  data: DataDecision;
  close(): Promise<void>;
}

/**
 * The sandbox as `npm start` wires it, without printing or signal handling: stack and console
 * share one clock, the Zendesk webhook is set up, and a fresh sandbox gets Giulia's first
 * message. The end-to-end browser test starts it exactly this way.
 */
export async function launchSandbox({ dataDir, port, consolePort, logger, bridge, buildSidebar }: LaunchSandboxOptions): Promise<RunningSandbox> {
  const dbFile = path.join(dataDir, SANDBOX_DB);
  // The store is kept only with the account it belongs to (after loading, not before: a corrupt
  // or stale account means a fresh store too), so no customer is threaded onto another's ticket.
  const decision = prepareSandboxData({ dataDir, dbFile, logger });
  const clock = new AdjustableClock(loadClockOffset(dataDir, logger));
  const stack = await startStack({
    databaseUrl: `sqlite:${dbFile}`,
    bridgePort: port,
    clock,
    bridge: { ...bridge, logger },
    persist: { dir: dataDir, logger },
  });
  // The Zendesk webhook and trigger, as `npm run bridge -- setup` creates them, so agent replies flow.
  await stack.setupZendesk();
  const consoleServer = createSandboxConsole({ stack, clock, logger, buildSidebar });
  const consoleUrl = await consoleServer.listen(consolePort);

  let sample = decision.outcome === 'fresh-after-mismatch' ? `  The saved sandbox was set aside (${decision.reason}); see ${decision.movedTo}.\n` : '';
  if (!stack.restored.zendesk) {
    // A first customer message, so the loop is visible at once.
    const phone = { whatsapp: stack.whatsapp, zendesk: stack.zendesk, clock, webhookUrl: () => stack.webhookUrl, changed: () => stack.persistence?.markChanged() };
    if (!stack.whatsapp.state.customers.has(GIULIA.waId)) stack.whatsapp.state.customers.set(GIULIA.waId, { ...GIULIA, createdAt: clock.now() });
    await sendAsCustomer(phone, GIULIA.waId, { type: 'text', text: 'Ciao! Il mio ordine #1042 non è ancora arrivato 📦' });
    const ticket = await waitForFirstTicket(stack.zendesk.state.tickets);
    sample += ticket
      ? `  A sample message from Giulia (+39 333 123 4567) is already on simulated Zendesk ticket #${ticket.id}: "${ticket.subject}".`
      : '  The sample message from Giulia has not reached the simulated Zendesk yet: check the logs above.';
  } else {
    const tickets = stack.zendesk.state.tickets.size;
    const customers = stack.whatsapp.state.customers.size;
    sample = `  Continuing the sandbox saved in ${dataDir}/: ${customers} customer(s), ${tickets} ticket(s). Delete ${dataDir}/sandbox-* to start afresh.`;
  }
  return {
    stack,
    clock,
    console: consoleServer,
    consoleUrl,
    sample,
    data: decision,
    async close() {
      await consoleServer.close();
      await stack.close(); // saves the simulators' snapshots
    },
  };
}

export async function startSandbox(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = Number(env.PORT ?? 3000);
  const dataDir = SANDBOX_DATA_DIR;
  const logger = createLogger(env.LOG_LEVEL ?? 'info');
  const sandbox = await launchSandbox({ dataDir, port, consolePort: port + 1, logger });
  const { stack, consoleUrl, sample } = sandbox;
  const consoleServer = sandbox.console;
  const lines = [
    '',
    `Open the console: ${consoleUrl}`,
    '',
    'WhatsApp for Zendesk — sandbox (no credentials found, so everything runs locally)',
    '',
    `  console                     ${consoleUrl}   (customer phone, simulated Zendesk with the sidebar app, clock)`,
    `  bridge                      ${stack.bridgeUrl}   (health: /healthz, /readyz, metrics: /metrics)`,
    `  WhatsApp webhook            ${stack.webhookUrl}`,
    `  simulated WhatsApp Graph    ${stack.whatsapp.url}`,
    `  simulated Zendesk           ${stack.zendesk.baseUrl}   (tickets and comments: ${stack.zendesk.baseUrl}/__sandbox/state)`,
    `  data                        ${path.resolve(dataDir)}   (kept between runs)`,
    '',
    sample,
    '',
    'To run against your real Meta app and Zendesk account, set the variables in docs/operators.md',
    '(or a .env file) and run npm start again. Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  void consoleServer.sidebarReady.then((status) => {
    if (status.state === 'ready') process.stdout.write(`The sidebar app is built; it shows beside the ticket in the console (${consoleUrl}).\n`);
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    stack.persistence?.saveIfChanged(); // first, in case closing the bridge takes long or hangs
    await sandbox.close();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stop());
  // Any other way out (an uncaught error): the write is synchronous, so it still happens.
  process.once('exit', () => stack.persistence?.saveIfChanged());
}

async function waitForFirstTicket<T extends { id: number; subject: string | null }>(tickets: Map<number, T>, timeoutMs = 5000): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const first = tickets.values().next();
    if (!first.done) return first.value;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}
