/**
 * `npm start` with no credentials: the simulated WhatsApp Cloud API and Zendesk, and the bridge
 * wired to them, with the bridge's store under ./data/.
 */
import fs from 'node:fs';
import { startStack } from './stack';
import { createLogger } from '../lib/logger';
import { SimulatedCustomer, deliver, envelope } from './whatsapp/phone';

const SANDBOX_DB = './data/sandbox.db';

export async function startSandbox(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = Number(env.PORT ?? 3000);
  const logger = createLogger(env.LOG_LEVEL ?? 'info');
  // The simulated Zendesk keeps its tickets in memory, so the bridge's sandbox store starts fresh
  // with it: ids remembered from an earlier run would point at tickets that no longer exist.
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${SANDBOX_DB}${suffix}`, { force: true });
  const stack = await startStack({
    databaseUrl: `sqlite:${SANDBOX_DB}`,
    bridgePort: port,
    bridge: { logger },
  });
  // The Zendesk webhook and trigger, as `npm run bridge -- setup` creates them, so agent replies flow.
  await stack.setupZendesk();
  // A first customer message, so the loop is visible at once.
  const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia Rossi' });
  await deliver(stack.webhookUrl, envelope(stack.whatsapp.settings.phoneNumberId, [giulia.text('Ciao! Il mio ordine #1042 non è ancora arrivato 📦')]), stack.whatsapp.settings.appSecret);
  const ticket = await waitForFirstTicket(stack.zendesk.state.tickets);
  const lines = [
    '',
    'WhatsApp for Zendesk — sandbox (no credentials found, so everything runs locally)',
    '',
    `  bridge                      ${stack.bridgeUrl}   (health: /healthz, /readyz, metrics: /metrics)`,
    `  WhatsApp webhook            ${stack.webhookUrl}`,
    `  simulated WhatsApp Graph    ${stack.whatsapp.url}`,
    `  simulated Zendesk           ${stack.zendesk.baseUrl}   (tickets and comments: ${stack.zendesk.baseUrl}/__sandbox/state)`,
    '',
    ticket
      ? `  A sample message from Giulia (+39 333 123 4567) is already on simulated Zendesk ticket #${ticket.id}: "${ticket.subject}".`
      : '  The sample message from Giulia has not reached the simulated Zendesk yet: check the logs above.',
    '',
    'To run against your real Meta app and Zendesk account, set the variables in docs/operators.md',
    '(or a .env file) and run npm start again. Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const stop = async () => {
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
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
