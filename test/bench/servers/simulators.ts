/**
 * The simulated Zendesk and WhatsApp Graph API in their own process, so a benchmark measures the
 * bridge's process alone. Prints the URLs; on SIGTERM prints the Zendesk account's tickets
 * (requester, comments' plain text) and request statistics, then exits.
 *
 * With BENCH_CONTROL=1 it also listens on a loopback control port (printed as `controlUrl`), so a
 * benchmark can do what people do in these systems: a customer writes (the number sees it, the
 * bridge gets the signed webhook), an agent replies in Zendesk (the trigger posts the signed
 * webhook), and read what the number accepted, with the simulator's own timestamps.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createZendeskSandbox, type ZendeskSandbox } from '../../../bridge-server/sandbox/zendesk';
import { createWhatsAppSandbox, type WhatsAppSandbox } from '../../../bridge-server/sandbox/whatsapp';
import { SimulatedCustomer, deliver, envelope } from '../../../bridge-server/sandbox/whatsapp/phone';

const BridgeBody = z.object({ webhookUrl: z.string().url() });
const WriteBody = z.object({
  /** deliver: the bridge gets the webhook; false: only the number sees the customer (opens the window). */
  deliver: z.boolean(),
  messages: z.array(z.object({ waId: z.string().regex(/^\d{6,15}$/), name: z.string(), text: z.string().min(1) })).min(1),
});
const CommentsBody = z.object({ comments: z.array(z.object({ ticketId: z.number().int().positive(), body: z.string().min(1) })).min(1) });

/** Refused sends by Graph code, counted where the simulator decides (throughput, then pair). */
function countRefusals(whatsapp: WhatsAppSandbox): Record<'130429' | '131056', number> {
  const refusals = { '130429': 0, '131056': 0 };
  const outbox = whatsapp.outbox;
  const takeThroughput = outbox.takeThroughput.bind(outbox);
  const takePair = outbox.takePair.bind(outbox);
  outbox.takeThroughput = () => takeThroughput() || (refusals['130429']++, false);
  outbox.takePair = (recipient: string) => takePair(recipient) || (refusals['131056']++, false);
  return refusals;
}

function controlServer(zendesk: ZendeskSandbox, whatsapp: WhatsAppSandbox): Promise<string> {
  const refusals = countRefusals(whatsapp);
  const app = express();
  app.use(express.json({ limit: '50mb' }));
  const parse = <T>(schema: z.ZodType<T>, body: unknown, res: express.Response): T | null => {
    const r = schema.safeParse(body);
    if (!r.success) res.status(400).json({ error: `bad control request: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
    return r.success ? r.data : null;
  };

  app.post('/bridge', (req, res) => {
    const body = parse(BridgeBody, req.body, res);
    if (!body) return;
    whatsapp.outbox.webhookUrl = body.webhookUrl;
    res.json({ ok: true });
  });

  // Customers write: the number records their window, and (deliver) Meta's webhook reaches the bridge.
  app.post('/customers/write', async (req, res) => {
    const body = parse(WriteBody, req.body, res);
    if (!body) return;
    const statuses = await Promise.all(
      body.messages.map(async (m) => {
        const payload = envelope(whatsapp.settings.phoneNumberId, [new SimulatedCustomer({ waId: m.waId, name: m.name }).text(m.text)]);
        whatsapp.outbox.observeInbound(payload);
        if (!body.deliver) return 200;
        if (!whatsapp.outbox.webhookUrl) return 0;
        const answer = await deliver(whatsapp.outbox.webhookUrl, payload, whatsapp.settings.appSecret);
        await answer.arrayBuffer();
        return answer.status;
      }),
    );
    res.json({ statuses });
  });

  app.get('/tickets', (_req, res) => {
    const users = zendesk.state.users;
    res.json({ tickets: [...zendesk.state.tickets.values()].map((t) => ({ id: t.id, requester: users.get(t.requester_id)?.external_id ?? null })) });
  });

  // An agent replies publicly in the agent workspace; Zendesk's trigger posts the webhook right after.
  app.post('/agent/comments', (req, res) => {
    const body = parse(CommentsBody, req.body, res);
    if (!body) return;
    const made = body.comments.map((c) => {
      const at = Date.now();
      const comment = zendesk.addAgentComment(c.ticketId, { body: c.body, public: true });
      return { ticketId: c.ticketId, commentId: comment.id, at };
    });
    res.json({ comments: made });
  });

  app.get('/outbox/count', (_req, res) => {
    res.json({ sent: whatsapp.outbox.sent.length, refusals });
  });

  // What the number accepted, with the time it accepted each send (ms since the epoch).
  app.get('/outbox', (_req, res) => {
    const invocations = zendesk.webhookInvocations();
    res.json({
      sent: whatsapp.outbox.sent.map((m) => ({ recipient: m.recipient, at: m.at, type: m.type, text: (m.body.text as { body?: string } | undefined)?.body ?? null })),
      refusals,
      webhooks: { invocations: invocations.length, notAnswered200: invocations.filter((i) => i.status !== 200).length },
    });
  });

  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

async function main() {
  const plan = process.env.BENCH_ZENDESK_PLAN ? JSON.parse(process.env.BENCH_ZENDESK_PLAN) : undefined;
  const zendesk = createZendeskSandbox({ plan });
  const whatsapp = createWhatsAppSandbox({ apiVersion: 'v26.0' });
  const [zendeskUrl, graphUrl] = await Promise.all([zendesk.listen(), whatsapp.listen()]);
  const controlUrl = process.env.BENCH_CONTROL === '1' ? await controlServer(zendesk, whatsapp) : undefined;
  process.stdout.write(`${JSON.stringify({ zendeskUrl, graphUrl, ...(controlUrl ? { controlUrl } : {}), ...whatsapp.settings })}\n`);
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
