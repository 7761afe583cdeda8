/**
 * A small HTTP load generator for the benchmarks: bodies are built and signed before the clock
 * starts, so the generator spends its time sending. Two modes:
 *  - closed loop (`connections` requests always in flight): the most a server can take;
 *  - open loop at a fixed rate: latency is measured from when each request was due, so a
 *    server that falls behind is not flattered by the generator waiting for it.
 */
import http from 'node:http';
import { percentile } from './lib';

export interface LoadRequest {
  body: Buffer;
  headers: Record<string, string>;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

function send(agent: http.Agent, url: URL, req: LoadRequest): Promise<number> {
  return new Promise((resolve) => {
    const r = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...req.headers, 'content-length': String(req.body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    r.on('error', () => resolve(0));
    r.end(req.body);
  });
}

function summarise(latencies: number[], ok: number, failed: number, seconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { sent: ok + failed, ok, failed, seconds, rps: ok / seconds, p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies[latencies.length - 1] ?? NaN) };
}

/** Keeps `connections` requests in flight for `seconds`; `next()` gives each request. */
export async function closedLoop(target: string, connections: number, seconds: number, next: () => LoadRequest): Promise<LoadResult> {
  const url = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const status = await send(agent, url, next());
        latencies.push(performance.now() - t);
        if (status >= 200 && status < 300) ok++;
        else failed++;
      }
    }),
  );
  agent.destroy();
  return summarise(latencies, ok, failed, (performance.now() - start) / 1000);
}

/** Sends `rate` requests a second for `seconds`, on schedule whatever the answers. */
export async function openLoop(target: string, rate: number, seconds: number, next: () => LoadRequest): Promise<LoadResult> {
  const url = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < total && start + (i * 1000) / rate <= now) {
        const due = start + (i * 1000) / rate;
        i++;
        pending.push(
          send(agent, url, next()).then((status) => {
            latencies.push(performance.now() - due);
            if (status >= 200 && status < 300) ok++;
            else failed++;
          }),
        );
      }
      if (i < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();
  return summarise(latencies, ok, failed, seconds);
}
