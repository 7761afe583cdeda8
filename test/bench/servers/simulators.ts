/**
 * The simulated Zendesk and WhatsApp Graph API in their own process, so a benchmark measures the
 * bridge's process alone. Prints the URLs; on SIGTERM prints the Zendesk account's tickets
 * (requester, comments' plain text) and request statistics, then exits.
 */
import { createZendeskSandbox } from '../../../bridge-server/sandbox/zendesk';
import { createWhatsAppSandbox } from '../../../bridge-server/sandbox/whatsapp';

async function main() {
  const plan = process.env.BENCH_ZENDESK_PLAN ? JSON.parse(process.env.BENCH_ZENDESK_PLAN) : undefined;
  const zendesk = createZendeskSandbox({ plan });
  const whatsapp = createWhatsAppSandbox({ apiVersion: 'v26.0' });
  const [zendeskUrl, graphUrl] = await Promise.all([zendesk.listen(), whatsapp.listen()]);
  process.stdout.write(`${JSON.stringify({ zendeskUrl, graphUrl, ...whatsapp.settings })}\n`);
  process.on('SIGTERM', () => {
    const users = zendesk.state.users;
    const tickets = [...zendesk.state.tickets.values()].map((t) => ({
      id: t.id,
      requester: users.get(t.requester_id)?.external_id ?? null,
      comments: zendesk.comments(t.id).map((c) => ({ at: c.created_at, text: c.plain_body })),
    }));
    process.stdout.write(`${JSON.stringify({ tickets, stats: zendesk.state.stats })}\n`);
    void Promise.all([zendesk.close(), whatsapp.close()]).then(() => process.exit(0));
  });
}

void main();
