/**
 * SQLite in WAL mode copies the log back into the database file at checkpoints. Left to itself,
 * the connection that commits does that work, inside the commit: with webhooks arriving by the
 * thousand, that stalled the event loop for up to a second while the answers waited. A worker
 * thread with its own connection checkpoints instead (PASSIVE: never blocks a writer), and the
 * main connection no longer does.
 */
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); process.exit(0); } });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts background checkpoints for `file`; `onFailure` runs if the thread dies (re-enable autocheckpoint then). */
export function startCheckpointer(file: string, onFailure: (reason: string) => void, intervalMs = 1000): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, intervalMs, driver: require.resolve('better-sqlite3') } });
  worker.unref();
  let stopped = false;
  worker.on('message', (m: { error?: string }) => m.error && onFailure(m.error));
  worker.on('error', (err) => !stopped && onFailure(err.message));
  worker.on('exit', (code) => !stopped && onFailure(`checkpoint thread exited with code ${code}`));
  return {
    async stop() {
      stopped = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      // Wait for its last checkpoint, at most 2 s; the timer must not outlive the thread.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
