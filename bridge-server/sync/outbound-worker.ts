/**
 * The outbound worker: another entry point into the same domain code. Each round it
 *   1. turns stored Zendesk webhooks into queued parts (outbound-intake.ts);
 *   2. sends due parts, one customer at a time (their order holds) and within the pacer's
 *      limits (80/s per number, the pair limit per customer), as many customers at once as
 *      `concurrency` allows;
 *   3. applies new delivery statuses and writes due internal notes;
 *   4. retries the public comments of sent templates that Zendesk has not taken yet.
 * A sweep runs the round periodically (retries due, statuses stored by the inbound worker).
 */
import type { Logger } from '../lib/logger';
import type { OutboundDeps } from './outbound-deps';
import { takeZendeskEvents } from './outbound-intake';
import { sendPart, type OutboundRow } from './outbound-send';
import { applyNewStatuses, reconcileSending } from './outbound-statuses';
import { writeDueNotes } from './outbound-notes';
import { writeDueTemplateComments } from './send-template';
import { translator } from '../i18n';

export interface OutboundWorkerOptions {
  concurrency?: number;
  sweepIntervalMs?: number;
  /** How long a part may stay `sending` after a crash before it is sent again. */
  reconcileGraceMs?: number;
}

export class OutboundWorker {
  private readonly log: Logger;
  private readonly inflightCustomers = new Set<number>();
  private readonly inflightRows = new Set<number>();
  private readonly active = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private running = false;
  private rerun = false;
  private stopped = true;
  private readonly concurrency: number;
  private readonly sweepIntervalMs: number;
  private readonly reconcileGraceMs: number;

  constructor(
    private readonly deps: OutboundDeps,
    options: OutboundWorkerOptions = {},
  ) {
    this.log = deps.logger.child({ component: 'outbound-worker' });
    this.concurrency = options.concurrency ?? 32;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 1000;
    this.reconcileGraceMs = options.reconcileGraceMs ?? 120_000;
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.sweeper = setInterval(() => this.notify(), this.sweepIntervalMs);
    this.sweeper.unref();
    this.notify();
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.sweeper) clearInterval(this.sweeper);
    const deadline = Date.now() + graceMs;
    while ((this.active.size || this.running) && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.active]), new Promise((r) => setTimeout(r, 20))]);
    }
  }

  /** Something was stored (a Zendesk webhook): look now. */
  notify(delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.notify();
      }, delayMs);
      return;
    }
    void this.run();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.active.add(p);
    const forget = () => void this.active.delete(p);
    p.then(forget, forget);
    return p;
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.rerun = false;
        await this.track(takeZendeskEvents(this.deps));
        await this.track(reconcileSending(this.deps, this.reconcileGraceMs, this.inflightRows));
        await this.dispatch();
        await this.track(applyNewStatuses(this.deps));
        await this.track(writeDueNotes(this.deps));
        await this.track(writeDueTemplateComments({ ...this.deps, commentT: translator(this.deps.settings.locale) }));
      } while (this.rerun && !this.stopped);
    } catch (err) {
      this.log.error({ err }, 'outbound round failed; retrying shortly');
      this.notify(1000);
    } finally {
      this.running = false;
    }
  }

  /**
   * Starts the due sends, each customer's oldest unsettled part only. The decision rests on one
   * consistent picture: the queued rows and the customers with a part `sending` are read in one
   * transaction (no send can change a row between the two reads), and a customer whose send was
   * under way when the round began is left for the next round (its end notifies): while this
   * round awaits the store, that send may be accepted, put back in the queue with a backoff, or
   * left in doubt, and the rows read here would not show it. Deciding on such a stale picture
   * let a later part overtake an earlier one that had just gone back to the queue or into doubt.
   */
  private async dispatch(): Promise<void> {
    if (this.stopped) return;
    const busy = new Set(this.inflightCustomers);
    const { rows, inDoubt } = await this.deps.db.transaction().execute(async (trx) => ({
      rows: await trx
        .selectFrom('outbound_messages')
        .select(['id', 'comment_id', 'part', 'ticket_id', 'customer_id', 'phone_number_id', 'kind', 'body', 'media_id', 'attempts', 'next_attempt_at', 'webhook_received_at', 'resent_in_doubt'])
        .where('state', '=', 'queued')
        .orderBy('comment_id')
        .orderBy('part')
        .limit(500)
        .execute(),
      // A customer with a part in doubt (sent, no answer) waits until it is settled: their order holds.
      inDoubt: await trx.selectFrom('outbound_messages').select('customer_id').distinct().where('state', '=', 'sending').execute(),
    }));
    const now = this.deps.clock.now();
    const seen = new Set<number>([...busy, ...inDoubt.map((r) => Number(r.customer_id))]);
    let wake = Infinity;
    for (const r of rows) {
      const customerId = Number(r.customer_id);
      // Only each customer's oldest waiting part may go: their order holds.
      if (seen.has(customerId)) continue;
      seen.add(customerId);
      if (this.inflightCustomers.has(customerId)) continue;
      if (this.inflightCustomers.size >= this.concurrency) break;
      if (Number(r.next_attempt_at) > now) {
        wake = Math.min(wake, Number(r.next_attempt_at) - now);
        continue;
      }
      const wait = this.deps.pacer.delayFor(r.phone_number_id, customerId);
      if (wait > 0) {
        wake = Math.min(wake, wait);
        continue;
      }
      this.deps.pacer.take(r.phone_number_id, customerId);
      const row: OutboundRow = {
        ...r,
        id: Number(r.id),
        comment_id: Number(r.comment_id),
        part: Number(r.part),
        ticket_id: Number(r.ticket_id),
        customer_id: customerId,
        attempts: Number(r.attempts),
        webhook_received_at: r.webhook_received_at === null ? null : Number(r.webhook_received_at),
        resent_in_doubt: Number(r.resent_in_doubt),
      };
      this.startSend(row);
    }
    await this.observeQueue(now);
    if (wake !== Infinity) this.notify(Math.max(5, Math.min(wake, this.sweepIntervalMs)));
  }

  /** Queue depth and the age of the oldest waiting part, for /metrics. */
  private async observeQueue(now: number): Promise<void> {
    const q = await this.deps.db
      .selectFrom('outbound_messages')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
      .where('state', 'in', ['queued', 'sending'])
      .executeTakeFirst();
    this.deps.metrics.outboundQueueDepth.set(Number(q?.n ?? 0));
    this.deps.metrics.outboundOldestPending.set(q?.oldest != null ? Math.max(0, (now - Number(q.oldest)) / 1000) : 0);
  }

  private startSend(row: OutboundRow): void {
    this.inflightCustomers.add(row.customer_id);
    this.inflightRows.add(row.id);
    void this.track(
      sendPart(this.deps, row)
        .catch((err) => this.log.error({ err, commentId: row.comment_id, part: row.part }, 'sending an agent reply failed unexpectedly'))
        .finally(() => {
          this.deps.pacer.done(row.phone_number_id);
          this.inflightCustomers.delete(row.customer_id);
          this.inflightRows.delete(row.id);
          this.notify();
        }),
    );
  }
}
