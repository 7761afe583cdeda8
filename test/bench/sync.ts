/**
 * bench:sync — customers write, the bridge writes to a simulated Zendesk that enforces the
 * Enterprise limits (700 requests/min, 100 Update Ticket requests/min, 30 updates per ticket per
 * 10 min). Targets (issue "Bridge foundation"):
 *   burst: 300 customers × 10 messages over 60 s → all 3,000 on the right tickets exactly once
 *          and in order; zero 429s; ≤ 0.35 Zendesk requests per message; the last message on
 *          its ticket within 3 minutes of the burst's end;
 *   low load: 10 customers, 1 message/s in all → median webhook-to-comment ≤ 300 ms.
 *
 *   npm run bench:sync        (BENCH_CUSTOMERS, BENCH_MESSAGES, BENCH_BURST_SECONDS,
 *                              BENCH_LOW_SECONDS to change the sizes)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signPayload } from '../../bridge-server/whatsapp/signature';
import { bridgeEnv, percentile, startBridge, startChild, verdict, type Simulators } from './lib';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 300);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10);
const BURST_SECONDS = Number(process.env.BENCH_BURST_SECONDS ?? 60);
const LOW_SECONDS = Number(process.env.BENCH_LOW_SECONDS ?? 30);
const DEADLINE_AFTER_BURST_MS = 5 * 60_000;

interface Sent {
  customer: number;
  index: number;
  marker: string;
  sentAt: number;
}

interface TicketDump {
  id: number;
  requester: string | null;
  comments: { at: string; text: string }[];
}

interface Dump {
  tickets: TicketDump[];
  stats: { requests: number; rateLimited: number; byStatus: Record<string, number>; byRoute: Record<string, number> };
}

const waIdOf = (c: number) => `5511${String(90000000 + c).padStart(9, '9')}`;
const markerOf = (c: number, i: number) => `[c${c}-m${i}]`;

async function post(url: string, sim: Simulators, c: number, i: number, tag: string): Promise<number> {
  const waId = waIdOf(c);
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: sim.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550100001', phone_number_id: sim.phoneNumberId },
              contacts: [{ profile: { name: `Cliente ${c}` }, wa_id: waId }],
              messages: [{ from: waId, id: `wamid.sync.${tag}.${c}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `Olá, mensagem ${markerOf(c, i)} 🙂` } }],
            },
          },
        ],
      },
    ],
  });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, sim.appSecret) }, body });
  await res.text();
  return res.status;
}

/** Sends each customer's messages spread over `seconds`, every message at its own planned time. */
async function sendSpread(url: string, sim: Simulators, customers: number, perCustomer: number, seconds: number, tag: string): Promise<Sent[]> {
  const plan: { c: number; i: number; at: number }[] = [];
  for (let c = 0; c < customers; c++) {
    for (let i = 0; i < perCustomer; i++) plan.push({ c, i, at: ((i + Math.random()) * seconds * 1000) / perCustomer });
  }
  plan.sort((a, b) => a.at - b.at);
  // Keep each customer's own messages in their order (timestamps are to the second).
  const next = new Map<number, number>();
  for (const p of plan) {
    const i = next.get(p.c) ?? 0;
    p.i = i;
    next.set(p.c, i + 1);
  }
  const start = Date.now();
  const sent: Sent[] = [];
  const inflight: Promise<void>[] = [];
  for (const p of plan) {
    const wait = start + p.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sentAt = Date.now();
    inflight.push(
      post(url, sim, p.c, p.i, tag).then((status) => {
        if (status !== 200) throw new Error(`the bridge answered ${status} to a webhook`);
        sent.push({ customer: p.c, index: p.i, marker: markerOf(p.c, p.i), sentAt });
      }),
    );
  }
  await Promise.all(inflight);
  return sent;
}

async function waitDelivered(databaseUrl: string, expected: number, deadline: number): Promise<void> {
  const { openStore } = await import('../../bridge-server/store');
  const store = openStore(databaseUrl);
  try {
    for (;;) {
      const row = await store.db.selectFrom('inbound_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'delivered').executeTakeFirst();
      if (Number(row?.n ?? 0) >= expected || Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await store.close();
  }
}

interface Check {
  onTicketOnce: number;
  missing: number;
  duplicated: number;
  wrongTicket: number;
  outOfOrder: number;
  landedAt: Map<string, number>;
}

function check(dump: Dump, sent: Sent[]): Check {
  const result: Check = { onTicketOnce: 0, missing: 0, duplicated: 0, wrongTicket: 0, outOfOrder: 0, landedAt: new Map() };
  const byRequester = new Map<string, TicketDump[]>();
  for (const t of dump.tickets) byRequester.set(t.requester ?? '', [...(byRequester.get(t.requester ?? '') ?? []), t]);
  const byCustomer = new Map<number, Sent[]>();
  for (const s of sent) byCustomer.set(s.customer, [...(byCustomer.get(s.customer) ?? []), s]);
  for (const [c, messages] of byCustomer) {
    const tickets = byRequester.get(`whatsapp:wa:${waIdOf(c).replace(/^55(\d{2})9/, '55$1')}`) ?? [];
    const text = tickets.flatMap((t) => t.comments.map((m) => ({ ...m, ticket: t.id })));
    const positions: number[] = [];
    for (const m of messages.sort((a, b) => a.index - b.index)) {
      const hits = text.filter((x) => x.text.includes(m.marker));
      if (hits.length === 0) result.missing++;
      else if (hits.length > 1) result.duplicated++;
      else {
        result.onTicketOnce++;
        result.landedAt.set(m.marker, Date.parse(hits[0].at));
        const all = text.map((x) => x.text).join('\n');
        positions.push(all.indexOf(m.marker));
      }
    }
    if (tickets.length !== 1) result.wrongTicket += messages.length;
    for (let i = 1; i < positions.length; i++) if (positions[i] < positions[i - 1]) result.outOfOrder++;
    // Another customer's marker on this customer's ticket would be a wrong ticket.
    for (const x of text) for (const other of x.text.match(/\[c(\d+)-m\d+\]/g) ?? []) if (!other.startsWith(`[c${c}-`)) result.wrongTicket++;
  }
  return result;
}

async function run(name: string, customers: number, perCustomer: number, seconds: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
  const databaseUrl = `sqlite:${path.join(dir, 'bridge.db')}`;
  const simulators = startChild('test/bench/servers/simulators.ts', [], { BENCH_ZENDESK_PLAN: JSON.stringify({ accountPerMinute: 700, ticketUpdatesPerMinute: 100, perTicketPer10Minutes: 30 }) });
  const sim = (await simulators.next()) as unknown as Simulators;
  const { child: bridge, url } = await startBridge(bridgeEnv(sim, databaseUrl, { ZENDESK_PLAN: 'enterprise' }));
  const started = Date.now();
  const sent = await sendSpread(`${url}/webhooks/whatsapp`, sim, customers, perCustomer, seconds, name);
  const burstEnd = Date.now();
  await waitDelivered(databaseUrl, sent.length, burstEnd + DEADLINE_AFTER_BURST_MS);
  const doneAt = Date.now();
  await bridge.stop();
  const dump = (await simulators.stop()) as unknown as Dump;
  fs.rmSync(dir, { recursive: true, force: true });
  const result = check(dump, sent);
  const latencies = sent.filter((s) => result.landedAt.has(s.marker)).map((s) => result.landedAt.get(s.marker)! - s.sentAt).sort((a, b) => a - b);
  const lastLanded = Math.max(...result.landedAt.values());
  return { sent, dump, result, latencies, burstEnd, lastLanded, started, doneAt };
}

async function main() {
  console.log(`bench:sync — ${os.cpus().length} cores; Zendesk simulated with Enterprise limits (700 req/min, 100 ticket updates/min, 30 per ticket per 10 min)`);

  const burst = await run('burst', CUSTOMERS, MESSAGES, BURST_SECONDS);
  const total = CUSTOMERS * MESSAGES;
  const r = burst.result;
  const stats = burst.dump.stats;
  const perMessage = stats.requests / total;
  const lastAfterBurst = (burst.lastLanded - burst.burstEnd) / 1000;
  const rateLimited = stats.byStatus['429'] ?? stats.rateLimited ?? 0;
  console.log(`\nBurst: ${CUSTOMERS} customers × ${MESSAGES} messages over ${BURST_SECONDS} s`);
  console.log('| figure | value | target |');
  console.log('|---|---|---|');
  console.log(`| messages on their ticket exactly once | ${r.onTicketOnce} / ${total} (missing ${r.missing}, duplicated ${r.duplicated}) | all | `);
  console.log(`| on the wrong ticket / out of order | ${r.wrongTicket} / ${r.outOfOrder} | 0 / 0 |`);
  console.log(`| 429 answers from Zendesk | ${rateLimited} | 0 |`);
  console.log(`| Zendesk requests | ${stats.requests} (${perMessage.toFixed(3)} per message) | ≤ 0.35 per message |`);
  console.log(`| last message on its ticket after the burst's end | ${lastAfterBurst.toFixed(1)} s | ≤ 180 s |`);
  console.log(`| webhook-to-comment p50 / p99 | ${(percentile(burst.latencies, 50) / 1000).toFixed(1)} s / ${(percentile(burst.latencies, 99) / 1000).toFixed(1)} s | |`);
  console.log(`requests by route: ${JSON.stringify(stats.byRoute)}`);
  const burstOk = r.onTicketOnce === total && r.wrongTicket === 0 && r.outOfOrder === 0 && rateLimited === 0 && perMessage <= 0.35 && lastAfterBurst <= 180;
  console.log(`burst: ${verdict(burstOk)}`);

  const low = await run('low', 10, LOW_SECONDS / 10, LOW_SECONDS);
  const median = percentile(low.latencies, 50);
  console.log(`\nLow load: 10 customers, 1 message/s in all, ${LOW_SECONDS} s`);
  console.log(`| figure | value | target |`);
  console.log('|---|---|---|');
  console.log(`| messages on their ticket exactly once | ${low.result.onTicketOnce} / ${low.sent.length} | all |`);
  console.log(`| webhook-to-comment median / p99 | ${Math.round(median)} ms / ${Math.round(percentile(low.latencies, 99))} ms | median ≤ 300 ms |`);
  console.log(`low load: ${verdict(median <= 300 && low.result.onTicketOnce === low.sent.length)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
