/**
 * The inbound worker: splits stored webhooks into messages, then writes each customer's waiting
 * messages to Zendesk, one delivery per customer at a time (so their order holds), as many
 * customers at once as the budget allows. Customers waiting for budget simply accumulate
 * messages, which the next delivery coalesces into one comment; when the Update Ticket budget is
 * spent, waiting customers go out together in one bulk update.
 */
import type { Logger } from '../lib/logger';
import { splitPendingEvents } from './intake';
import { chooseTarget } from './threading';
import { completeDelivery, deliverCustomer, reconcile, releaseDelivery, type InboundDeps, type Prepared } from './deliver-inbound';
import { deliverBulk } from './bulk-update';

export interface WorkerOptions {
  /** Customers written at the same time. */
  concurrency?: number;
  /** Least time between two bulk updates, unless many customers are waiting. */
  bulkIntervalMs?: number;
  /** How often stale work is looked at again (retries due, interrupted deliveries). */
  sweepIntervalMs?: number;
  /** Age after which a delivery of unknown outcome is looked up in Zendesk (see config). */
  reconcileAfterMs?: number;
}

/** How many waiting customers one scheduling round looks at (a bulk update takes up to 100). */
const BULK_WINDOW = 200;
/**
 * Webhooks split per transaction. Small, so the store's write lock is never held long and a
 * webhook being stored at the same moment waits a millisecond, not a batch.
 */
const INTAKE_BATCH = 25;
/** How long a stored webhook may wait for others to join its intake transaction. */
const INTAKE_GATHER_MS = 5;

export class InboundWorker {
  private readonly ready = new Set<number>();
  /**
   * Customers with a write of unknown outcome: nothing more is written for them until it is
   * reconciled, or a newer message could land before an older one.
   */
  private readonly inDoubt = new Set<number>();
  private readonly inflight = new Set<number>();
  /** Customers whose single ticket update is under way: it may not have taken its budget slot yet. */
  private readonly updating = new Set<number>();
  private bulkInFlight = false;
  private lastBulkAt = 0;
  private scheduled = false;
  private running = false;
  private rerun = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private throttledUntil = 0;
  private sweeper: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly active = new Set<Promise<unknown>>();
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly bulkIntervalMs: number;
  private readonly sweepIntervalMs: number;
  private readonly reconcileAfterMs: number;

  constructor(
    private readonly deps: InboundDeps,
    options: WorkerOptions = {},
  ) {
    this.log = deps.logger.child({ component: 'inbound-worker' });
    this.concurrency = options.concurrency ?? 16;
    this.bulkIntervalMs = options.bulkIntervalMs ?? 2000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5000;
    this.reconcileAfterMs = options.reconcileAfterMs ?? 35_000;
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.loadInDoubt();
    await this.reconcileInterrupted(this.reconcileAfterMs);
    await this.loadWaiting();
    this.sweeper = setInterval(() => {
      void this.loadInDoubt()
        .then(() => this.reconcileInterrupted(this.reconcileAfterMs))
        .catch((err) => this.log.error({ err }, 'reconciliation failed'));
      void this.loadWaiting().then(
        () => this.kick(),
        (err) => this.log.error({ err }, 'could not look for waiting messages; will look again'),
      );
    }, this.sweepIntervalMs);
    this.sweeper.unref();
    this.kick();
  }

  /**
   * Stops taking new work and waits for the deliveries under way, up to `graceMs`. One still
   * waiting after that (for rate budget, say) is safe to leave: a write it may have sent is
   * reconciled at the next start.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.sweeper) clearInterval(this.sweeper);
    let timeout: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timeout = setTimeout(resolve, graceMs)));
    while (this.active.size) {
      const settled = await Promise.race([Promise.allSettled([...this.active]).then(() => 'settled' as const), grace.then(() => 'timeout' as const)]);
      if (settled === 'timeout') {
        this.log.warn({ underWay: this.active.size }, 'stopped with deliveries under way; they are reconciled at the next start');
        break;
      }
    }
    clearTimeout(timeout);
  }

  /**
   * A webhook was stored: look at it shortly. Webhooks that arrive within the same few
   * milliseconds are split in one transaction, which is much cheaper than one each.
   */
  notify(): void {
    this.kick(Math.max(INTAKE_GATHER_MS, this.throttledUntil - Date.now()));
  }

  /** Runs a round now (0) or after `delayMs`, keeping an earlier wake-up already planned. */
  private kick(delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      const at = Date.now() + delayMs;
      if (this.timer && this.timerAt <= at) return;
      if (this.timer) clearTimeout(this.timer);
      this.timerAt = at;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick();
      }, delayMs);
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.active.add(p);
    // The caller handles p's failure; this branch only forgets p (a bare `finally` would raise
    // the same rejection again, unhandled, and stop the process).
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
        const started = performance.now();
        const intake = await this.track(splitPendingEvents(this.deps, INTAKE_BATCH));
        for (const c of intake.customers) this.ready.add(c);
        await this.dispatch();
        if (intake.events === INTAKE_BATCH) {
          // A backlog: webhooks arrive faster than they are split. Acknowledging them comes
          // first (Meta retries slow answers), so splitting takes at most a third of the time
          // until the backlog is gone; the stored webhooks wait safely meanwhile.
          const pause = Math.max(1, Math.round((performance.now() - started) * 2));
          this.throttledUntil = Date.now() + pause;
          this.kick(pause);
          break;
        }
      } while (this.rerun && !this.stopped);
    } catch (err) {
      this.log.error({ err }, 'inbound worker round failed; retrying shortly');
      this.kick(1000);
    } finally {
      this.running = false;
    }
  }

  private async dispatch(): Promise<void> {
    if (this.ready.size === 0 || this.stopped) return;
    const { budget } = this.deps.zendesk;
    const slots = this.concurrency - this.inflight.size;
    if (slots <= 0) return;
    // Nothing can go out before the account budget has room: wait for it without scanning.
    const accountWait = budget.delayFor();
    if (accountWait > 0) {
      this.kick(Math.min(Math.max(accountWait, 10), 1000));
      return;
    }
    const now = this.deps.clock.now();
    // Oldest first; look at a bounded window so a long queue costs the same as a short one.
    const ids: number[] = [];
    for (const id of this.ready) {
      if (!this.inflight.has(id) && !this.inDoubt.has(id)) ids.push(id);
      if (ids.length >= Math.max(slots * 4, BULK_WINDOW)) break;
    }
    if (ids.length === 0) return;
    const rows = await this.deps.db.selectFrom('customers').select(['id', 'ticket_id', 'ticket_status', 'ticket_updated_at', 'retry_at']).where('id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    let wake = Infinity;
    const bulk: number[] = [];

    for (const id of ids) {
      if (this.inflight.size >= this.concurrency) break;
      const c = byId.get(id);
      if (!c) {
        this.ready.delete(id);
        continue;
      }
      if (c.retry_at !== null && Number(c.retry_at) > now) {
        wake = Math.min(wake, Number(c.retry_at) - now);
        continue;
      }
      const target = chooseTarget({ ticketId: c.ticket_id === null ? null : Number(c.ticket_id), status: c.ticket_status, updatedAt: c.ticket_updated_at }, now, this.deps.settings.reopenPeriodMs);
      if (target.kind === 'update') {
        const perTicket = budget.ticketDelay(target.ticketId);
        if (perTicket > 0) {
          // This ticket had its 30 updates in 10 minutes: its messages wait and coalesce.
          wake = Math.min(wake, perTicket);
          continue;
        }
        // Count the updates already started (on the safe side: some have taken their slot), so
        // that no delivery is started only to wait for the budget: those customers go in bulk.
        if (budget.updatesDelay(this.updating.size + 1) > 0) {
          bulk.push(id);
          continue;
        }
      }
      const wait = budget.delayFor();
      if (wait > 0) {
        wake = Math.min(wake, wait);
        break;
      }
      this.startDelivery(id, target.kind === 'update');
    }

    if (bulk.length > 0) {
      const sinceLast = now - this.lastBulkAt;
      if (!this.bulkInFlight && budget.delayFor() === 0 && (sinceLast >= this.bulkIntervalMs || bulk.length >= 50)) this.startBulk(bulk);
      else wake = Math.min(wake, Math.max(50, this.bulkIntervalMs - sinceLast));
    }
    if (wake !== Infinity) this.kick(Math.min(Math.max(wake, 10), 1000));
  }

  private startDelivery(id: number, isUpdate: boolean): void {
    this.inflight.add(id);
    if (isUpdate) this.updating.add(id);
    void this.track(
      deliverCustomer(this.deps, id)
        .then((outcome) => {
          if (outcome === 'idle') this.ready.delete(id);
          if (outcome === 'in-doubt') this.inDoubt.add(id);
        })
        .catch((err) => this.log.error({ err, customerId: id }, 'delivery failed unexpectedly'))
        .finally(() => {
          this.inflight.delete(id);
          this.updating.delete(id);
          this.kick();
        }),
    );
  }

  private startBulk(ids: number[]): void {
    this.bulkInFlight = true;
    this.lastBulkAt = this.deps.clock.now();
    for (const id of ids) this.inflight.add(id);
    void this.track(
      deliverBulk(this.deps, ids)
        .then((r) => this.log.debug({ ...r, customers: ids.length }, 'bulk update finished'))
        .catch((err) => this.log.error({ err }, 'bulk update failed unexpectedly'))
        .finally(() => {
          for (const id of ids) this.inflight.delete(id);
          this.bulkInFlight = false;
          this.kick();
        }),
    );
  }

  /** Customers with waiting messages (after a restart, or retries now due). */
  private async loadWaiting(): Promise<void> {
    const rows = await this.deps.db.selectFrom('inbound_messages').select('customer_id').distinct().where('state', '=', 'pending').execute();
    for (const r of rows) this.ready.add(Number(r.customer_id));
    const waiting = await this.deps.db.selectFrom('inbound_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('state', 'in', ['pending', 'sending']).executeTakeFirst();
    const failed = await this.deps.db.selectFrom('inbound_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'failed').executeTakeFirst();
    this.deps.metrics.messagesWaiting.set(Number(waiting?.n ?? 0));
    this.deps.metrics.messagesFailed.set(Number(failed?.n ?? 0));
  }

  /** Customers with a delivery left `sending` (by a crash, or an answer that never came). */
  private async loadInDoubt(): Promise<void> {
    const rows = await this.deps.db.selectFrom('deliveries').select('customer_id').distinct().where('state', '=', 'sending').execute();
    for (const r of rows) if (!this.inflight.has(Number(r.customer_id))) this.inDoubt.add(Number(r.customer_id));
  }

  /**
   * Deliveries left `sending` by a crash (or by an answer that never came): find out whether
   * Zendesk applied them, then record the write or release the messages.
   */
  async reconcileInterrupted(olderThanMs: number): Promise<void> {
    const cutoff = this.deps.clock.now() - olderThanMs;
    const rows = await this.deps.db.selectFrom('deliveries').selectAll().where('state', '=', 'sending').where('created_at', '<=', cutoff).execute();
    for (const d of rows) {
      const customerId = Number(d.customer_id);
      if (this.inflight.has(customerId)) continue;
      const messages = await this.deps.db.selectFrom('inbound_messages').select(['id', 'ts', 'received_at']).where('delivery_id', '=', d.id).execute();
      const prepared: Prepared = {
        deliveryId: d.id,
        customerId,
        target: d.kind === 'update' ? { kind: 'update', ticketId: Number(d.ticket_id), stamp: null } : { kind: 'create', followupOf: null, previousTicketId: null, reason: 'first' },
        rowIds: messages.map((m) => Number(m.id)),
        newestTs: Math.max(0, ...messages.map((m) => Number(m.ts))),
        receivedAt: messages.map((m) => Number(m.received_at)),
        request: JSON.parse(d.request),
      };
      try {
        const found = await reconcile(this.deps, { deliveryId: d.id, kind: d.kind, ticketId: d.ticket_id === null ? null : Number(d.ticket_id), request: d.request });
        this.inDoubt.delete(customerId);
        if (found) {
          await completeDelivery(this.deps, prepared, found.ticket, found.commentId);
          this.ready.add(customerId);
          this.log.info({ deliveryId: d.id, ticketId: found.ticket.id }, 'an interrupted delivery had reached Zendesk: recorded, not written again');
        } else {
          await releaseDelivery(this.deps, prepared, null, {}, false);
          this.ready.add(customerId);
          this.log.info({ deliveryId: d.id }, 'an interrupted delivery had not reached Zendesk: its messages wait again');
        }
      } catch (err) {
        this.log.warn({ deliveryId: d.id, err: (err as Error).message }, 'cannot yet tell whether an interrupted delivery reached Zendesk; will look again');
      }
    }
  }
}
