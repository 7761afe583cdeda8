/**
 * The sidebar as Zendesk would load it is the webpack build in dist/. Everything that runs the
 * real sidebar (browser tests, screenshots, the load benchmark, the sandbox console) calls
 * `ensureAppBuilt()` first: it runs `npm run build:app` when dist/assets/app.js is missing or
 * older than any source of the package, so nobody looks at a stale sidebar.
 *
 * Several processes may ask at once (jest runs test files in parallel): a lock directory makes
 * one of them build while the others wait for it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const DIST_DIR = path.join(REPO_ROOT, 'dist');
const BUILT_FILE = path.join(DIST_DIR, 'assets', 'app.js');
const SOURCES = ['app', 'manifest.json', 'translations', 'webpack.config.ts'];
const LOCK_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'zaf-host-build.lock');
const STALE_LOCK_MS = 10 * 60_000;

function newestMtime(target: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Why dist/ must be rebuilt, or null when it is up to date. */
export function staleReason(root = REPO_ROOT): string | null {
  const built = path.join(root, 'dist', 'assets', 'app.js');
  if (!fs.existsSync(built)) return 'dist/assets/app.js is missing';
  const builtAt = fs.statSync(built).mtimeMs;
  for (const source of SOURCES) {
    if (newestMtime(path.join(root, source)) > builtAt) return `${source} changed after the last build`;
  }
  return null;
}

function runBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'build:app'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new Error(`Could not start "npm run build:app" (${error.message}): is npm on the PATH?`)));
    child.on('close', (code) => {
      if (code === 0 && fs.existsSync(BUILT_FILE)) resolve();
      else reject(new Error(`"npm run build:app" failed (exit ${code}); fix the app so it builds, then try again. Its output:\n${output.slice(-4000)}`));
    });
  });
}

function tryLock(): boolean {
  fs.mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  try {
    fs.mkdirSync(LOCK_DIR);
    return true;
  } catch {
    try {
      // A lock left by a process that died while building.
      if (Date.now() - fs.statSync(LOCK_DIR).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch {
      /* another process removed it meanwhile */
    }
    return false;
  }
}

/**
 * Builds dist/ if it is stale; returns what it did (for logs). Waits up to `timeoutMs` for a
 * build another process is running.
 */
export async function ensureAppBuilt({ timeoutMs = 300_000 } = {}): Promise<{ built: boolean; reason: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = staleReason();
    if (!reason) return { built: false, reason: null };
    if (tryLock()) {
      try {
        // Another process may have finished a build between the check and the lock.
        const stillStale = staleReason();
        if (!stillStale) return { built: false, reason: null };
        await runBuild();
        return { built: true, reason: stillStale };
      } finally {
        fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs / 1000} s for another process to build dist/ (lock ${LOCK_DIR}); remove the lock if no build is running.`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
