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
}

export class InboundWorker {
  private readonly ready = new Set<number>();
  private readonly inflight = new Set<number>();
  private bulkInFlight = false;
  private lastBulkAt = 0;
  private scheduled = false;
  private running = false;
  private rerun = false;
  private timer: NodeJS.Timeout | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly active = new Set<Promise<unknown>>();
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly bulkIntervalMs: number;
  private readonly sweepIntervalMs: number;

  constructor(
    private readonly deps: InboundDeps,
    options: WorkerOptions = {},
  ) {
    this.log = deps.logger.child({ component: 'inbound-worker' });
    this.concurrency = options.concurrency ?? 16;
    this.bulkIntervalMs = options.bulkIntervalMs ?? 2000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5000;
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.reconcileInterrupted(0);
    await this.loadWaiting();
    this.sweeper = setInterval(() => {
      void this.reconcileInterrupted(60_000).catch((err) => this.log.error({ err }, 'reconciliation failed'));
      void this.loadWaiting().then(() => this.kick());
    }, this.sweepIntervalMs);
    this.sweeper.unref();
    this.kick();
  }

  /** Stops taking new work and waits for the deliveries under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.sweeper) clearInterval(this.sweeper);
    while (this.active.size) await Promise.allSettled([...this.active]);
  }

  /** A webhook was stored: look at it soon. */
  notify(): void {
    this.kick();
  }

  private kick(delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      if (this.timer) clearTimeout(this.timer);
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
    void p.finally(() => this.active.delete(p));
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
        for (;;) {
          const intake = await this.track(splitPendingEvents(this.deps));
          for (const c of intake.customers) this.ready.add(c);
          if (intake.events === 0) break;
        }
        await this.dispatch();
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
    const now = this.deps.clock.now();
    const ids = [...this.ready].filter((id) => !this.inflight.has(id));
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
        if (budget.updatesDelay() > 0) {
          bulk.push(id);
          continue;
        }
      }
      const accountWait = budget.delayFor();
      if (accountWait > 0) {
        wake = Math.min(wake, accountWait);
        break;
      }
      this.startDelivery(id);
    }

    if (bulk.length > 0) {
      const sinceLast = now - this.lastBulkAt;
      if (!this.bulkInFlight && budget.delayFor() === 0 && (sinceLast >= this.bulkIntervalMs || bulk.length >= 50)) this.startBulk(bulk);
      else wake = Math.min(wake, Math.max(50, this.bulkIntervalMs - sinceLast));
    }
    if (wake !== Infinity) this.kick(Math.min(Math.max(wake, 10), 1000));
  }

  private startDelivery(id: number): void {
    this.inflight.add(id);
    void this.track(
      deliverCustomer(this.deps, id)
        .then((outcome) => {
          if (outcome === 'idle') this.ready.delete(id);
        })
        .catch((err) => this.log.error({ err, customerId: id }, 'delivery failed unexpectedly'))
        .finally(() => {
          this.inflight.delete(id);
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
        if (found) {
          await completeDelivery(this.deps, prepared, found.ticket, found.commentId);
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
