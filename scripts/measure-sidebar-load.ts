/**
 * `npm run bench:sidebar`: how long the built sidebar takes, in headless Chromium with a cold
 * cache, from the navigation start of its iframe to the window clock on screen, with the sandbox
 * playing Zendesk (ZAF host + apps proxy) and the real bridge behind it. Prints the median and
 * p95 of LOADS loads (default 30) and the gzipped size of the JavaScript in dist/assets.
 * Target (issue 4): at most 500 ms from iframe load to clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST_DIR } from '../bridge-server/sandbox/zaf-host';
import { SidebarHarness } from '../test/browser/harness';

const LOADS = Number(process.env.LOADS ?? 30);
const TARGET_MS = 500;

/**
 * Runs in every document of the page; in the app's iframe it records, on the first animation
 * frame where the clock (`role="timer"`) has text, `performance.now()`: milliseconds since that
 * iframe's navigation started; and when DOMContentLoaded ended, i.e. app.js (a deferred script)
 * had been fetched and run: the rest is the ZAF handshake, the bridge round trip and rendering.
 */
const RECORD_CLOCK = `(() => {
  if (window === window.top) return;
  const check = () => {
    const clock = document.querySelector('[role="timer"]');
    if (clock && clock.textContent) {
      const nav = performance.getEntriesByType('navigation')[0];
      window.__clockOnScreen = { total: performance.now(), scriptRun: nav ? nav.domContentLoadedEventEnd : NaN };
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function jsSizes(): { file: string; bytes: number; gzipped: number }[] {
  const dir = path.join(DIST_DIR, 'assets');
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const bytes = fs.readFileSync(path.join(dir, file));
      return { file: `dist/assets/${file}`, bytes: bytes.length, gzipped: zlib.gzipSync(bytes, { level: 9 }).length };
    });
}

async function main(): Promise<void> {
  const harness = await SidebarHarness.start();
  try {
    const ticketId = await harness.whatsappTicket('393339990000', 'Giulia Rossi', 'Ciao, dov’è il mio ordine?', { ageMs: 3600_000 });
    const times: number[] = [];
    const scriptTimes: number[] = [];
    // One warm-up load: the first request bundles the host and warms the bridge's code paths.
    for (let i = -1; i < LOADS; i++) {
      const sidebar = await harness.open({ ticketId, initScript: RECORD_CLOCK });
      try {
        const frame = await sidebar.frame();
        const handle = await frame.waitForFunction(() => (window as unknown as { __clockOnScreen?: { total: number; scriptRun: number } }).__clockOnScreen, undefined, { timeout: 15_000 });
        const { total, scriptRun } = (await handle.jsonValue()) as { total: number; scriptRun: number };
        if (i >= 0) {
          times.push(total);
          scriptTimes.push(scriptRun);
        }
      } finally {
        await sidebar.close();
      }
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    const p95 = percentile(sorted, 95);
    console.log(`Sidebar load, iframe navigation start → window clock on screen, ${LOADS} cold loads (new browser context each):`);
    console.log(`  median ${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (target ≤ ${TARGET_MS} ms: ${p95 <= TARGET_MS ? 'met' : 'NOT met'})`);
    const scripts = [...scriptTimes].sort((a, b) => a - b);
    console.log(`  of which app.js fetched and run (DOMContentLoaded): median ${percentile(scripts, 50).toFixed(0)} ms, p95 ${percentile(scripts, 95).toFixed(0)} ms`);
    console.log(`  machine: ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, load average ${os.loadavg()[0].toFixed(2)}`);
    for (const { file, bytes, gzipped } of jsSizes()) console.log(`  ${file}: ${(bytes / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
  } finally {
    await harness.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
