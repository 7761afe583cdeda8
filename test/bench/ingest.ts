/**
 * bench:ingest — signed ~1.5 KB webhook POSTs against the bridge and, in the same run, against a
 * bare Express app that only reads the body and answers 200. Targets (issue "Bridge
 * foundation"): bridge throughput ≥ 60 % of the bare app's; p99 ≤ 50 ms at 1,000 requests/s
 * offered; every accepted message in the store.
 *
 *   npm run bench:ingest          (BENCH_SECONDS=10, BENCH_CONNECTIONS=32 by default)
 *
 * The bridge runs as operators run it (`main.ts start`, worker on, SQLite on disk) in its own
 * process; the simulated Zendesk and Graph API run in another; this process only sends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signPayload } from '../../bridge-server/whatsapp/signature';
import { openStore } from '../../bridge-server/store';
import { splitPendingEvents } from '../../bridge-server/sync/intake';
import { createLogger } from '../../bridge-server/lib/logger';
import { createMetrics } from '../../bridge-server/lib/metrics';
import { bridgeEnv, startBridge, startChild, verdict, type Simulators } from './lib';
import { closedLoop, openLoop, type LoadRequest, type LoadResult } from './load';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RATE = 1000;
const TEXT = 'Buongiorno! Vorrei sapere a che punto è il mio ordine 📦 — 订单号 12345. '.repeat(13);

/** Distinct signed webhooks (one text message each, from 1,000 customers), built in advance. */
function buildRequests(count: number, secret: string, phoneNumberId: string, tag: string): LoadRequest[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => {
    const waId = `39333${String(i % 1000).padStart(7, '0')}`;
    const body = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '200000000000001',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550100001', phone_number_id: phoneNumberId },
                  contacts: [{ profile: { name: `Cliente ${i % 1000}` }, wa_id: waId }],
                  messages: [{ from: waId, id: `wamid.bench.${tag}.${i}`, timestamp: String(now), type: 'text', text: { body: TEXT } }],
                },
              },
            ],
          },
        ],
      }),
    );
    return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, secret) } };
  });
}

function feeder(requests: LoadRequest[]): () => LoadRequest {
  let i = 0;
  return () => {
    if (i >= requests.length) throw new Error('the benchmark ran out of prepared requests; raise the estimate');
    return requests[i++];
  };
}

/** Webhooks stored, and the messages in them once every stored webhook has been split. */
async function countStored(databaseUrl: string): Promise<{ events: number; messages: number }> {
  const store = openStore(databaseUrl);
  const deps = { db: store.db, clock: { now: Date.now }, metrics: createMetrics(), logger: createLogger('silent') };
  while ((await splitPendingEvents(deps, 1000)).events > 0);
  const count = async (table: 'webhook_events' | 'inbound_messages') => Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const result = { events: await count('webhook_events'), messages: await count('inbound_messages') };
  await store.close();
  return result;
}

/** Waits until no stored webhook is left unsplit; returns how long that took. */
async function waitForIntake(databaseUrl: string, timeoutMs: number): Promise<number> {
  const store = openStore(databaseUrl);
  const start = Date.now();
  try {
    while (Date.now() - start < timeoutMs) {
      const row = await store.db.selectFrom('webhook_events').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').executeTakeFirst();
      if (Number(row?.n ?? 0) === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return Date.now() - start;
  } finally {
    await store.close();
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));
  const simulators = startChild('test/bench/servers/simulators.ts');
  const sim = (await simulators.next()) as unknown as Simulators;
  const maxCount = SECONDS * 8000;
  const sample = buildRequests(1, sim.appSecret, sim.phoneNumberId, 'size')[0].body.length;
  console.log(`bench:ingest — ${SECONDS} s per run, ${CONNECTIONS} connections (closed loop), ${RATE} req/s (open loop), ${os.cpus().length} cores, body ${sample} bytes`);

  const bare = startChild('test/bench/servers/bare.ts');
  const bareUrl = `${String((await bare.next()).url)}/webhooks/whatsapp`;
  const bareMax = await closedLoop(bareUrl, CONNECTIONS, SECONDS, feeder(buildRequests(maxCount, sim.appSecret, sim.phoneNumberId, 'bare-max')));
  const bareRate = await openLoop(bareUrl, RATE, SECONDS, feeder(buildRequests(RATE * SECONDS, sim.appSecret, sim.phoneNumberId, 'bare-rate')));
  bare.kill();

  const databaseUrl = `sqlite:${path.join(dir, 'bridge.db')}`;
  const { child: bridge, url } = await startBridge(bridgeEnv(sim, databaseUrl));
  const webhook = `${url}/webhooks/whatsapp`;
  const bridgeMax = await closedLoop(webhook, CONNECTIONS, SECONDS, feeder(buildRequests(maxCount, sim.appSecret, sim.phoneNumberId, 'bridge-max')));
  // The closed-loop run leaves a backlog of stored webhooks to split (acknowledging comes first):
  // let the bridge catch up, so the open-loop run is not measured against that backlog.
  const caughtUpIn = await waitForIntake(databaseUrl, 120_000);
  console.log(`(the bridge split the first run's backlog ${(caughtUpIn / 1000).toFixed(1)} s after it ended)`);
  const bridgeRate = await openLoop(webhook, RATE, SECONDS, feeder(buildRequests(RATE * SECONDS, sim.appSecret, sim.phoneNumberId, 'bridge-rate')));
  await bridge.stop();
  await simulators.stop();
  const stored = await countStored(databaseUrl);
  fs.rmSync(dir, { recursive: true, force: true });

  const ratio = bridgeMax.rps / bareMax.rps;
  const accepted = bridgeMax.ok + bridgeRate.ok;
  const row = (name: string, r: LoadResult) => `| ${name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.max} | ${r.ok} | ${r.failed} |`;
  console.log('\n| run | req/s | p50 ms | p99 ms | max ms | 2xx | failed |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(row('bare Express, closed loop', bareMax));
  console.log(row('bridge, closed loop', bridgeMax));
  console.log(row(`bare Express, ${RATE} req/s offered`, bareRate));
  console.log(row(`bridge, ${RATE} req/s offered`, bridgeRate));
  console.log(`\nthroughput ratio bridge/bare: ${(ratio * 100).toFixed(1)} % (target ≥ 60 %): ${verdict(ratio >= 0.6)}`);
  console.log(`p99 at ${RATE} req/s offered: ${bridgeRate.p99} ms (target ≤ 50 ms): ${verdict(bridgeRate.p99 <= 50)}`);
  const lossless = stored.events === accepted && stored.messages === accepted;
  console.log(`accepted (2xx): ${accepted}; webhooks stored: ${stored.events}; messages in the store: ${stored.messages}: ${verdict(lossless)} (nothing lost)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
