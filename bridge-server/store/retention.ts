/**
 * Keeps the store from growing forever: every webhook body is stored before it is answered
 * (`webhook_events`), and once split into messages it is only evidence. Processed bodies older
 * than WEBHOOK_RETENTION_DAYS are deleted; pending ones never are (they are work not yet done),
 * and dead letters keep their own copy of what could not be understood.
 *
 * The walk goes by primary key in small batches and stops at the first row inside the
 * retention period (ids grow with arrival time), so a run never scans the whole table nor holds
 * the database for long, and the ingest path needs no extra index.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Database } from './schema';

export interface PruneResult {
  deleted: number;
}

/** Deletes processed webhook bodies received before `cutoffMs`, `batch` rows per statement. */
export async function pruneWebhookEvents(db: Kysely<Database>, cutoffMs: number, batch = 500): Promise<PruneResult> {
  let deleted = 0;
  let afterId = 0;
  for (;;) {
    const rows = await db.selectFrom('webhook_events').select(['id', 'received_at']).where('id', '>', afterId).orderBy('id').limit(batch).execute();
    if (rows.length === 0) break;
    const old = rows.filter((row) => Number(row.received_at) < cutoffMs);
    if (old.length > 0) {
      const lastOld = Number(old[old.length - 1].id);
      const result = await db.deleteFrom('webhook_events').where('id', '>', afterId).where('id', '<=', lastOld).where('state', '!=', 'pending').executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    // A row inside the retention period: everything after it is newer still.
    if (old.length < rows.length) break;
    afterId = Number(rows[rows.length - 1].id);
    // Let webhooks in between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { deleted };
}

export interface RetentionOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  /** How long processed webhook bodies are kept; 0 keeps them forever. */
  retentionMs: number;
  /** How often to prune (default hourly). */
  intervalMs?: number;
}

/** Prunes at start and then periodically; `stop()` waits for a run in progress. */
export class WebhookRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: RetentionOptions) {}

  start(): void {
    if (this.options.retentionMs <= 0 || this.timer) return;
    const run = () => {
      this.running ??= this.runOnce().finally(() => {
        this.running = null;
      });
    };
    run();
    this.timer = setInterval(run, this.options.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    const { db, clock, logger, retentionMs } = this.options;
    try {
      const { deleted } = await pruneWebhookEvents(db, clock.now() - retentionMs);
      if (deleted > 0) logger.info({ deleted, retentionDays: retentionMs / 86_400_000 }, 'pruned processed webhook bodies');
    } catch (error) {
      logger.warn({ err: error }, 'could not prune processed webhook bodies; will try again in an hour');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
