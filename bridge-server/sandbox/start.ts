/**
 * `npm start` with no credentials: the simulated WhatsApp Cloud API and Zendesk, and the bridge
 * wired to them, with the bridge's store under ./data/.
 */
import { startStack } from './stack';
import { createLogger } from '../lib/logger';

export async function startSandbox(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = Number(env.PORT ?? 3000);
  const logger = createLogger(env.LOG_LEVEL ?? 'info');
  const stack = await startStack({
    databaseUrl: env.DATABASE_URL?.trim() || 'sqlite:./data/sandbox.db',
    bridgePort: port,
    bridge: { logger },
  });
  // The Zendesk webhook and trigger, as `npm run bridge -- setup` creates them, so agent replies flow.
  await stack.setupZendesk();
  const lines = [
    '',
    'WhatsApp for Zendesk — sandbox (no credentials found, so everything runs locally)',
    '',
    `  bridge                      ${stack.bridgeUrl}   (health: /healthz, /readyz, metrics: /metrics)`,
    `  WhatsApp webhook            ${stack.webhookUrl}`,
    `  simulated WhatsApp Graph    ${stack.whatsapp.url}`,
    `  simulated Zendesk           ${stack.zendesk.baseUrl}   (tickets and comments: ${stack.zendesk.baseUrl}/__sandbox/state)`,
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
