/** Shared pieces of the benchmark scripts: child processes, the bridge's environment, figures. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { DEFAULT_BEARER_TOKEN } from '../../bridge-server/sandbox/zendesk/options';

const ROOT = path.resolve(__dirname, '../..');
const TSX = process.env.BENCH_TSX ?? path.join(ROOT, 'node_modules/.bin/tsx');

export interface Child {
  proc: ChildProcess;
  /** The next JSON line the child prints that passes `accept` (default: any JSON line). */
  next(accept?: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** SIGTERM, then the next JSON line (if any) before it exits. */
  stop(): Promise<Record<string, unknown> | null>;
  kill(): void;
}

export function startChild(script: string, args: string[] = [], env: Record<string, string> = {}): Child {
  const proc = spawn(TSX, [path.resolve(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: proc.stdout! });
  const queue: Record<string, unknown>[] = [];
  let waiter: { accept: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void } | null = null;
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    if (waiter && waiter.accept(parsed)) {
      const w = waiter;
      waiter = null;
      w.resolve(parsed);
    } else queue.push(parsed);
  });
  const next = (accept: (l: Record<string, unknown>) => boolean = () => true) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const i = queue.findIndex(accept);
      if (i >= 0) return resolve(queue.splice(i, 1)[0]);
      waiter = { accept, resolve };
      proc.once('exit', (code) => reject(new Error(`${script} exited (${code}) before printing what was expected`)));
    });
  return {
    proc,
    next,
    async stop() {
      const result = new Promise<Record<string, unknown> | null>((resolve) => {
        next().then(resolve, () => resolve(null));
      });
      proc.kill('SIGTERM');
      return result;
    },
    kill: () => proc.kill('SIGKILL'),
  };
}

/** Runs a script to its end (e.g. `main.ts setup`); resolves with its exit code and output. */
export function runScript(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(TSX, [path.resolve(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout!.on('data', (d) => (output += String(d)));
    proc.stderr!.on('data', (d) => (output += String(d)));
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, output }));
  });
}

export interface Simulators {
  zendeskUrl: string;
  graphUrl: string;
  appSecret: string;
  accessToken: string;
  phoneNumberId: string;
  wabaId: string;
  apiVersion: string;
  /** With BENCH_CONTROL=1: the simulators' control port (see servers/simulators.ts). */
  controlUrl?: string;
}

/** The bridge's environment, pointed at the simulators (as an operator would set it). */
export function bridgeEnv(sim: Simulators, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'info',
    WHATSAPP_APP_SECRET: sim.appSecret,
    WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
    WHATSAPP_ACCESS_TOKEN: sim.accessToken,
    WHATSAPP_PHONE_NUMBER_ID: sim.phoneNumberId,
    WHATSAPP_BUSINESS_ACCOUNT_ID: sim.wabaId,
    WHATSAPP_GRAPH_URL: sim.graphUrl,
    WHATSAPP_API_VERSION: sim.apiVersion,
    ZENDESK_URL: sim.zendeskUrl,
    ZENDESK_OAUTH_TOKEN: DEFAULT_BEARER_TOKEN,
    ZENDESK_PLAN: 'enterprise',
    ...extra,
  };
}

/** Starts the real bridge (`main.ts start`) and resolves with its URL once it listens. */
export async function startBridge(env: Record<string, string>): Promise<{ child: Child; url: string }> {
  const child = startChild('bridge-server/main.ts', ['start'], env);
  const line = await child.next((l) => l.msg === 'bridge listening');
  return { child, url: String(line.url) };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function verdict(ok: boolean): string {
  return ok ? 'meets target' : 'MISSES target';
}
