/**
 * bench:outbound — agent replies from a simulated Zendesk to a simulated WhatsApp number, through
 * the real bridge in its own process. Targets (issue "Bridge outbound", item 9):
 *   latency:   the time from the agent's public comment (the trigger posts the signed webhook in
 *              the same tick) to the Graph API accepting the send, median and p99, beside the
 *              bench's own direct Graph send (and Zendesk read + Graph send) as a baseline;
 *   sustained: more replies than 80 messages/s can carry, some customers getting several replies
 *              at once: at most 80 sends in any second, the pair limit held, zero 130429 and
 *              131056 refusals, every reply part on the right phone exactly once and in order.
 * Exits 1 when a correctness condition fails (lost, duplicated, reordered or altered message,
 * a 130429/131056 refusal, more than 80 sends in a second).
 *
 *   npm run bench:outbound   (BENCH_CUSTOMERS=600, BENCH_BURST_CUSTOMERS=40, BENCH_SPREAD_SECONDS=30,
 *                             BENCH_LATENCY_REPLIES=500, BENCH_LATENCY_RATE=10 to change the sizes;
 *                             BENCH_KEEP=1 keeps the bridge's SQLite store for a look afterwards)
 *
 * Zendesk is simulated with the High Volume limits (2,500 requests/min): the bridge reads each
 * ticket's comments once per webhook, so on Enterprise (700/min) the replies could not arrive
 * fast enough to reach the number's 80 messages/s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { DEFAULT_BEARER_TOKEN } from '../../bridge-server/sandbox/zendesk/options';
import { bridgeEnv, percentile, runScript, startBridge, startChild, verdict, type Simulators } from './lib';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 600);
const BURST_CUSTOMERS = Number(process.env.BENCH_BURST_CUSTOMERS ?? 40);
const SPREAD_SECONDS = Number(process.env.BENCH_SPREAD_SECONDS ?? 30);
const LATENCY_REPLIES = Math.min(CUSTOMERS, Number(process.env.BENCH_LATENCY_REPLIES ?? 500));
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 10);
const BURST_COMMENTS = 6;
const LONG_PARTS = 3;
const ZENDESK_PLAN = { accountPerMinute: 2500, ticketUpdatesPerMinute: 300, perTicketPer10Minutes: 30 };
// The rules the number enforces (reference: whatsapp-cloud-api.md) and the bridge's own pacing.
const PER_SECOND = 80;
const PAIR_BURST = 45;
const PAIR_INTERVAL_MS = 6000;
const BRIDGE_PAIR_BURST = 10;

interface Sent {
  recipient: string;
  at: number;
  type: string;
  text: string | null;
}
interface Outbox {
  sent: Sent[];
  refusals: Record<'130429' | '131056', number>;
  webhooks: { invocations: number; notAnswered200: number };
}
/** One expected WhatsApp message: a part of an agent's comment. */
interface Expected {
  marker: string;
  waId: string;
  text: string;
  commentAt: number;
  /** The Zendesk comment id: a customer's comments are ordered by it (the order Zendesk shows them). */
  commentId: number;
}

const waIdOf = (c: number) => `39333${String(c).padStart(7, '0')}`;
const baselineWaIdOf = (i: number) => `39334${String(i).padStart(7, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FILLER = 'Il suo ordine è partito oggi 📦 — 您的订单已发货。 Gracias por esperar. ';
/** A paragraph of about 2,500 characters: two never fit in one 4,096-character message. */
const paragraph = (marker: string) => `${marker} ${FILLER.repeat(Math.ceil(2500 / FILLER.length))}`.trim();
const shortReply = (marker: string) => `${marker} Buongiorno! Il pacco arriva domani 🙂 — 明天到达。`;

async function control<T>(sim: Simulators, method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.controlUrl}${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`the simulators' control port answered ${res.status} to ${route}: ${json.error ?? ''}`);
  return json;
}

async function waitUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | false>, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Every customer writes once (their window opens, the bridge opens their ticket); returns their ticket ids. */
async function customersWrite(sim: Simulators, count: number): Promise<number[]> {
  for (let c = 0; c < count; c += 50) {
    const messages = Array.from({ length: Math.min(50, count - c) }, (_, i) => ({ waId: waIdOf(c + i), name: `Cliente ${c + i} 🌻`, text: `Buongiorno, dov'è il mio ordine? [in ${c + i}]` }));
    const { statuses } = await control<{ statuses: number[] }>(sim, 'POST', '/customers/write', { deliver: true, messages });
    if (statuses.some((s) => s !== 200)) throw new Error(`the bridge refused a customer's webhook (statuses ${[...new Set(statuses)].join(', ')})`);
  }
  return waitUntil(`${count} tickets in Zendesk`, 5 * 60_000, async () => {
    const { tickets } = await control<{ tickets: { id: number; requester: string | null }[] }>(sim, 'GET', '/tickets');
    const byWaId = new Map(tickets.map((t) => [String(t.requester).replace(/^whatsapp:wa:/i, ''), t.id]));
    const ids = Array.from({ length: count }, (_, c) => byWaId.get(waIdOf(c)));
    return ids.every((id) => id !== undefined) ? (ids as number[]) : false;
  });
}

async function agentComments(sim: Simulators, comments: { ticketId: number; body: string }[]): Promise<{ at: number; commentId: number }[]> {
  const { comments: made } = await control<{ comments: { at: number; commentId: number }[] }>(sim, 'POST', '/agent/comments', { comments });
  return made.map((m) => ({ at: m.at, commentId: m.commentId }));
}

async function waitForSends(sim: Simulators, total: number, timeoutMs: number): Promise<void> {
  await waitUntil(`${total} sends accepted by the number`, timeoutMs, async () => (await control<{ sent: number }>(sim, 'GET', '/outbox/count')).sent >= total || false);
}

/** The bench's own Graph sends (and Zendesk read + Graph send), at the latency run's rate. */
async function baseline(sim: Simulators, tickets: number[]): Promise<{ graph: number[]; chain: number[]; sent: number }> {
  const n = LATENCY_REPLIES;
  const messages = Array.from({ length: n }, (_, i) => ({ waId: baselineWaIdOf(i), name: `Base ${i}`, text: 'ciao' }));
  for (let i = 0; i < n; i += 100) await control(sim, 'POST', '/customers/write', { deliver: false, messages: messages.slice(i, i + 100) });
  const graph: number[] = [];
  const chain: number[] = [];
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const wait = start + (i * 1000) / LATENCY_RATE - performance.now();
    if (wait > 0) await sleep(wait);
    inflight.push(
      held((async () => {
        const t0 = performance.now();
        const read = await fetch(`${sim.zendeskUrl}/api/v2/tickets/${tickets[i % tickets.length]}/comments?sort_order=desc&page[size]=100`, { headers: { authorization: `Bearer ${DEFAULT_BEARER_TOKEN}` } });
        await read.arrayBuffer();
        if (!read.ok) throw new Error(`baseline: Zendesk answered ${read.status} to a comments read`);
        const t1 = performance.now();
        const res = await fetch(`${sim.graphUrl}/${sim.apiVersion}/${sim.phoneNumberId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${sim.accessToken}` },
          body: JSON.stringify({ messaging_product: 'whatsapp', to: `+${baselineWaIdOf(i)}`, type: 'text', text: { body: shortReply(`[B${i}]`) } }),
        });
        const answer = await res.text();
        if (!res.ok) throw new Error(`baseline: the Graph API answered ${res.status}: ${answer}`);
        const t2 = performance.now();
        graph.push(t2 - t1);
        chain.push(t2 - t0);
      })()),
    );
  }
  await Promise.all(inflight);
  return { graph: graph.sort((a, b) => a - b), chain: chain.sort((a, b) => a - b), sent: n };
}

/** One short reply each to the first customers, at a steady moderate rate. */
async function latencyRun(sim: Simulators, tickets: number[]): Promise<Expected[]> {
  const expected: Expected[] = [];
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let c = 0; c < LATENCY_REPLIES; c++) {
    const wait = start + (c * 1000) / LATENCY_RATE - performance.now();
    if (wait > 0) await sleep(wait);
    const text = shortReply(`[L${c}]`);
    inflight.push(
      held(
        agentComments(sim, [{ ticketId: tickets[c], body: text }]).then(([made]) => {
          expected.push({ marker: `[L${c}]`, waId: waIdOf(c), text, commentAt: made.at, commentId: made.commentId });
        }),
      ),
    );
  }
  await Promise.all(inflight);
  return expected;
}

interface PlannedComment {
  customer: number;
  at: number;
  body: string;
  parts: string[];
}

/**
 * The sustained run's plan: each ordinary customer gets a short reply, then a long one (three
 * messages); each burst customer gets BURST_COMMENTS long replies in the same instant.
 */
function plan(): PlannedComment[] {
  const comments: PlannedComment[] = [];
  const spreadMs = SPREAD_SECONDS * 1000;
  const long = (c: number, k: number) => Array.from({ length: LONG_PARTS }, (_, p) => paragraph(`[S${c}.${k}.${p}]`));
  for (let c = 0; c < CUSTOMERS; c++) {
    if (c < BURST_CUSTOMERS) {
      const at = Math.random() * (spreadMs - 1000);
      for (let k = 0; k < BURST_COMMENTS; k++) {
        const parts = long(c, k);
        comments.push({ customer: c, at, body: parts.join('\n\n'), parts });
      }
    } else {
      const [a, b] = [Math.random() * spreadMs, Math.random() * spreadMs].sort((x, y) => x - y);
      const short = shortReply(`[S${c}.0.0]`);
      comments.push({ customer: c, at: a, body: short, parts: [short] });
      const parts = long(c, 1);
      comments.push({ customer: c, at: b, body: parts.join('\n\n'), parts });
    }
  }
  // Stable sort: a customer's comments keep their order.
  return comments.sort((x, y) => x.at - y.at);
}

async function sustainedRun(sim: Simulators, tickets: number[], comments: PlannedComment[]): Promise<Expected[]> {
  // In the order the agents write them: a customer's parts must reach the phone in this order.
  const planned = comments.map((c) => ({ ...c, expected: c.parts.map((text): Expected => ({ marker: /^\[[^\]]+\]/.exec(text)![0], waId: waIdOf(c.customer), text, commentAt: NaN, commentId: NaN })) }));
  const expected = planned.flatMap((c) => c.expected);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < comments.length; ) {
    const wait = start + comments[i].at - performance.now();
    if (wait > 0) await sleep(wait);
    // Everything due by now goes in one control request, in plan order.
    const due: typeof planned = [];
    const now = performance.now() - start;
    while (i < comments.length && comments[i].at <= now) due.push(planned[i++]);
    if (due.length === 0) continue;
    inflight.push(
      held(
        agentComments(
          sim,
          due.map((d) => ({ ticketId: tickets[d.customer], body: d.body })),
        ).then((made) => due.forEach((d, j) => d.expected.forEach((e) => ((e.commentAt = made[j].at), (e.commentId = made[j].commentId))))),
      ),
    );
  }
  await Promise.all(inflight);
  // Comments of one customer due at nearly the same moment go in separate control requests, which
  // the simulator may take in either order: the order that counts is the one Zendesk recorded.
  const swapped = new Set(planned.filter((c, i) => planned.some((o, j) => j < i && o.customer === c.customer && o.expected[0].commentId > c.expected[0].commentId)).map((c) => c.customer));
  if (swapped.size) console.log(`(${swapped.size} customer(s) had two replies written in Zendesk in the other order than planned: ${[...swapped].slice(0, 5).join(', ')}; checked in Zendesk's order)`);
  return expected.map((e, i) => ({ e, i })).sort((a, b) => a.e.commentId - b.e.commentId || a.i - b.i).map(({ e }) => e);
}

interface Delivery {
  once: number;
  missing: number;
  duplicated: number;
  altered: number;
  wrongPhone: number;
  outOfOrder: number;
  latencies: number[];
  sendsOf: Map<string, number[]>;
  lastAt: number;
}

/** Each expected part on its customer's phone exactly once, unaltered, in the order it was written. */
function checkDelivery(sent: Sent[], expected: Expected[]): Delivery {
  const result: Delivery = { once: 0, missing: 0, duplicated: 0, altered: 0, wrongPhone: 0, outOfOrder: 0, latencies: [], sendsOf: new Map(), lastAt: 0 };
  const markerOf = (text: string | null) => /^\[[LS][^\]]+\]/.exec(text ?? '')?.[0];
  const byMarker = new Map<string, Sent[]>();
  for (const s of sent) {
    const m = markerOf(s.text);
    if (m) byMarker.set(m, [...(byMarker.get(m) ?? []), s]);
  }
  const wanted = new Set(expected.map((e) => e.marker));
  for (const e of expected) {
    const hits = byMarker.get(e.marker) ?? [];
    if (hits.length === 0) result.missing++;
    else if (hits.length > 1) result.duplicated++;
    else if (hits[0].recipient !== e.waId) result.wrongPhone++;
    else if (hits[0].text !== e.text) result.altered++;
    else {
      result.once++;
      result.latencies.push(hits[0].at - e.commentAt);
      result.lastAt = Math.max(result.lastAt, hits[0].at);
    }
  }
  // Sends nobody wrote (a marker of this run that is not expected) count as duplicates too.
  for (const [m, hits] of byMarker) if (!wanted.has(m) && m.startsWith(expected[0]?.marker.slice(0, 2) ?? '[')) result.duplicated += hits.length;
  // Order per phone: the expected order of this run's markers.
  const order = new Map(expected.map((e, i) => [e.marker, i]));
  const lastIndex = new Map<string, number>();
  for (const s of [...sent].sort((a, b) => a.at - b.at)) {
    const i = order.get(markerOf(s.text) ?? '');
    if (i === undefined) continue;
    result.sendsOf.set(s.recipient, [...(result.sendsOf.get(s.recipient) ?? []), s.at]);
    if (i < (lastIndex.get(s.recipient) ?? -1)) {
      result.outOfOrder++;
      if (result.outOfOrder <= 3) console.log(`out of order on +${s.recipient}: ${markerOf(s.text)} accepted at ${s.at}, after ${expected[lastIndex.get(s.recipient)!].marker}`);
    }
    lastIndex.set(s.recipient, i);
  }
  result.latencies.sort((a, b) => a - b);
  return result;
}

/** Most sends the number accepted within any 1,000 ms. */
function maxPerSecond(times: number[]): number {
  return mostWithin([...times].sort((a, b) => a - b), 1000);
}

/** Most of these times within any `windowMs` (times sorted). */
function mostWithin(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** The pair rule replayed on a customer's send times: sends made with less than one token left. */
function pairViolations(times: number[]): number {
  let tokens = PAIR_BURST;
  let last = times[0] ?? 0;
  let violations = 0;
  for (const t of times) {
    tokens = Math.min(PAIR_BURST, tokens + (t - last) / PAIR_INTERVAL_MS);
    last = t;
    if (tokens < 1 - 1e-9) violations++;
    else tokens -= 1;
  }
  return violations;
}

const ms = (v: number) => `${Math.round(v)} ms`;
const s1 = (v: number) => `${(v / 1000).toFixed(1)} s`;

/** Settles a promise now (so a failure is never an unhandled rejection) and rethrows it when awaited. */
function held<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

async function main() {
  console.log(`bench:outbound — ${os.cpus().length} cores; Zendesk simulated with High Volume limits (2,500 req/min); the number: ${PER_SECOND} msg/s, pair limit 1 per ${PAIR_INTERVAL_MS / 1000} s after a burst of ${PAIR_BURST}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-outbound-'));
  const databaseUrl = `sqlite:${path.join(dir, 'bridge.db')}`;
  const simulators = startChild('test/bench/servers/simulators.ts', [], { BENCH_CONTROL: '1', BENCH_ZENDESK_PLAN: JSON.stringify(ZENDESK_PLAN) });
  const sim = (await simulators.next()) as unknown as Simulators;
  const env = bridgeEnv(sim, databaseUrl, { ZENDESK_PLAN: 'high-volume' });
  const { child: bridge, url } = await startBridge(env);
  // Why sends were left in doubt, from the bridge's own warnings (network cause → count).
  const inDoubtCauses = new Map<string, number>();
  readline.createInterface({ input: bridge.proc.stdout! }).on('line', (line) => {
    if (!line.includes('no answer from WhatsApp')) return;
    try {
      const j = JSON.parse(line) as { cause?: string | null; err?: string };
      const k = `${j.cause ?? '?'}: ${String(j.err ?? '').replace(/^.*?: /, '')}`;
      inDoubtCauses.set(k, (inDoubtCauses.get(k) ?? 0) + 1);
    } catch {
      // not a log line
    }
  });
  // However this process ends, its children end too (tsx passes SIGTERM on to them).
  process.on('exit', () => [bridge, simulators].forEach((c) => c.proc.exitCode === null && c.proc.kill('SIGTERM')));
  const failures: string[] = [];
  try {
    const setup = await runScript('bridge-server/main.ts', ['setup'], { ...env, PUBLIC_URL: url, LOG_LEVEL: 'warn' });
    if (setup.code !== 0) throw new Error(`\`main.ts setup\` failed (exit ${setup.code}): ${setup.output}`);
    await control(sim, 'POST', '/bridge', { webhookUrl: `${url}/webhooks/whatsapp` });

    const t0 = Date.now();
    const tickets = await customersWrite(sim, CUSTOMERS);
    console.log(`(${CUSTOMERS} customers wrote; their tickets were open ${s1(Date.now() - t0)} later)`);

    // 1. Latency, beside the bench's own requests at the same rate.
    const base = await baseline(sim, tickets);
    const latencyExpected = await latencyRun(sim, tickets);
    await waitForSends(sim, base.sent + latencyExpected.length, 120_000);
    await sleep(1000);
    const afterLatency = await control<Outbox>(sim, 'GET', '/outbox');
    const lat = checkDelivery(afterLatency.sent, latencyExpected);
    const bridgeP50 = percentile(lat.latencies, 50);
    if (process.env.BENCH_KEEP === '1') fs.writeFileSync(path.join(dir, 'latency.json'), JSON.stringify({ expected: latencyExpected, sent: afterLatency.sent.filter((m) => m.text?.startsWith('[L')) }));
    console.log(`\nLatency: ${LATENCY_REPLIES} agent replies to ${LATENCY_REPLIES} customers at ${LATENCY_RATE}/s; baseline: ${base.sent} requests from the bench at the same rate`);
    console.log('| path | n | median | p99 | max |');
    console.log('|---|---|---|---|---|');
    const row = (name: string, v: number[]) => console.log(`| ${name} | ${v.length} | ${ms(percentile(v, 50))} | ${ms(percentile(v, 99))} | ${ms(v[v.length - 1])} |`);
    row('bench → Graph send (baseline)', base.graph);
    row('bench → Zendesk comments read + Graph send (baseline)', base.chain);
    row('bridge: agent comment / webhook → send accepted', lat.latencies);
    console.log(`bridge median / direct Graph send median: ${(bridgeP50 / percentile(base.graph, 50)).toFixed(1)}×; / read + send median: ${(bridgeP50 / percentile(base.chain, 50)).toFixed(1)}×`);
    console.log(`latency run: ${lat.once} / ${latencyExpected.length} on the right phone exactly once (missing ${lat.missing}, duplicated ${lat.duplicated}, altered ${lat.altered}, wrong phone ${lat.wrongPhone})`);
    if (lat.once !== latencyExpected.length) failures.push('latency run: a reply was lost, duplicated or altered');

    // 2. Sustained: more than the number can carry, some customers in bursts.
    await sleep(PAIR_INTERVAL_MS + 1000); // the latency run's pair tokens come back
    const comments = plan();
    const total = comments.reduce((n, c) => n + c.parts.length, 0);
    const before = afterLatency.sent.length;
    const started = Date.now();
    const expected = await sustainedRun(sim, tickets, comments);
    const firstComment = Math.min(...expected.map((e) => e.commentAt));
    const lastComment = Math.max(...expected.map((e) => e.commentAt));
    let timedOut = false;
    await waitForSends(sim, before + total, 10 * 60_000).catch((err: Error) => {
      timedOut = true;
      failures.push(err.message);
    });
    await sleep(3000); // anything sent twice would show now
    const outbox = await control<Outbox>(sim, 'GET', '/outbox');
    const run = outbox.sent.slice(before);
    const d = checkDelivery(outbox.sent, expected);
    const allTimes = outbox.sent.map((s) => s.at);
    const peak = maxPerSecond(run.map((s) => s.at));
    const peakAll = maxPerSecond(allTimes);
    const byRecipient = new Map<string, number[]>();
    for (const s of outbox.sent) byRecipient.set(s.recipient, [...(byRecipient.get(s.recipient) ?? []), s.at]);
    let violations = 0;
    const mostIn = (windowMs: number) => Math.max(0, ...[...byRecipient.values()].map((t) => mostWithin(t, windowMs)));
    for (const times of byRecipient.values()) violations += pairViolations(times.sort((a, b) => a - b));
    const most6s = mostIn(PAIR_INTERVAL_MS);
    const most60s = mostIn(60_000);
    // The burst customers' spacing once the bridge's own burst is spent.
    const gaps = [...d.sendsOf.values()].flatMap((t) => t.slice(BRIDGE_PAIR_BURST).map((at, i) => at - t[BRIDGE_PAIR_BURST + i - 1])).sort((a, b) => a - b);
    const perCustomer = new Map<number, { count: number; first: number }>();
    for (const c of comments) {
      const p = perCustomer.get(c.customer) ?? { count: 0, first: c.at };
      perCustomer.set(c.customer, { count: p.count + c.parts.length, first: Math.min(p.first, c.at) });
    }
    const spanStart = firstComment;
    const reads = comments.length;
    const boundThroughput = (Math.ceil(total / PER_SECOND) - 1) * 1000;
    const boundReads = (reads / ZENDESK_PLAN.accountPerMinute) * 60_000;
    const boundSchedule = lastComment - firstComment;
    const boundPair = Math.max(0, ...[...perCustomer.values()].map((p) => p.first + Math.max(0, p.count - PAIR_BURST) * PAIR_INTERVAL_MS)) - comments[0].at;
    const boundBridgePair = Math.max(0, ...[...perCustomer.values()].map((p) => p.first + Math.max(0, p.count - BRIDGE_PAIR_BURST) * PAIR_INTERVAL_MS)) - comments[0].at;
    const theoretical = Math.max(boundThroughput, boundReads, boundSchedule, boundPair);
    const measured = d.lastAt - spanStart;
    const refused = { throughput: outbox.refusals['130429'], pair: outbox.refusals['131056'] };
    const metrics = await fetch(`${url}/metrics`).then((r) => r.text()).catch(() => '');
    const graphErrors = metrics.split('\n').filter((l) => l.startsWith('bridge_outbound_graph_errors_total')).join('; ') || 'none';

    console.log(`\nSustained: ${comments.length} agent replies (${total} WhatsApp messages) to ${CUSTOMERS} customers over ${SPREAD_SECONDS} s; ${BURST_CUSTOMERS} customers get ${BURST_COMMENTS} replies × ${LONG_PARTS} messages at once, the others a short reply and a ${LONG_PARTS}-message reply`);
    console.log('| figure | measured | target |');
    console.log('|---|---|---|');
    console.log(`| messages offered | ${total} in ${s1(boundSchedule)} (${(total / (boundSchedule / 1000)).toFixed(0)} msg/s) | above ${PER_SECOND} msg/s |`);
    console.log(`| on the right phone exactly once, unaltered | ${d.once} / ${total} (missing ${d.missing}, duplicated ${d.duplicated}, altered ${d.altered}, wrong phone ${d.wrongPhone}) | all |`);
    console.log(`| out of order on a phone | ${d.outOfOrder} | 0 |`);
    console.log(`| most sends accepted in any 1 s | ${peak} (whole run: ${peakAll}) | ≤ ${PER_SECOND} |`);
    console.log(`| 130429 / 131056 refusals at the number | ${refused.throughput} / ${refused.pair} | 0 / 0 |`);
    console.log(`| pair rule replayed on every phone's sends (burst ${PAIR_BURST}, then 1 per ${PAIR_INTERVAL_MS / 1000} s) | ${violations} sends over it | 0 |`);
    console.log(`| most sends to one phone in any 6 s / any 60 s | ${most6s} / ${most60s} | ≤ ${PAIR_BURST + 1} / ≤ ${PAIR_BURST + 10} |`);
    console.log(`| gap between sends to one phone after its first ${BRIDGE_PAIR_BURST}: min / median | ${gaps.length ? `${s1(gaps[0])} / ${s1(percentile(gaps, 50))}` : '—'} | (the bridge paces 6 s) |`);
    console.log(`| first reply → last send accepted | ${s1(measured)} | theoretical minimum ${s1(theoretical)} |`);
    console.log(`| webhook → send p50 / p99 | ${s1(percentile(d.latencies, 50))} / ${s1(percentile(d.latencies, 99))} | (none) |`);
    console.log(`theoretical minimum = the largest of: ${PER_SECOND} msg/s ${s1(boundThroughput)}, one comments read per reply at ${ZENDESK_PLAN.accountPerMinute}/min ${s1(boundReads)}, the replies' own schedule ${s1(boundSchedule)}, Meta's pair limit ${s1(boundPair)}; with the bridge's pair burst of ${BRIDGE_PAIR_BURST}: ${s1(boundBridgePair)}`);
    console.log(`sends left in doubt, by cause: ${[...inDoubtCauses].map(([k, n]) => `${n} × ${k}`).join('; ') || 'none'}`);
    console.log(`bridge metrics: ${graphErrors}; Zendesk webhooks: ${outbox.webhooks.invocations} posted, ${outbox.webhooks.notAnswered200} not answered 200; run took ${s1(Date.now() - started)}`);

    if (timedOut || d.once !== total || d.duplicated || d.outOfOrder) failures.push('sustained run: a reply was lost, duplicated, altered or reordered');
    if (refused.throughput || refused.pair) failures.push(`the number refused sends: ${refused.throughput} × 130429, ${refused.pair} × 131056`);
    if (peakAll > PER_SECOND) failures.push(`${peakAll} sends in one second (limit ${PER_SECOND})`);
    if (violations) failures.push(`${violations} sends over the pair limit`);
  } finally {
    await bridge.stop();
    await simulators.stop();
    if (process.env.BENCH_KEEP === '1') console.log(`(the bridge's store is kept in ${dir})`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nbench:outbound: ${failures.length ? `FAILED — ${failures.join('; ')}` : verdict(true)}`);
  if (failures.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
