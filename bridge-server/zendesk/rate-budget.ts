/**
 * Zendesk's limits, kept by design rather than discovered through 429s: a sliding-window log
 * per limit (account requests per minute, Update Ticket requests per minute, updates per ticket
 * per 10 minutes), a small headroom below each, pauses ordered by `Retry-After`, and the
 * account's own view (`X-Rate-Limit`, `X-Rate-Limit-Remaining`), which also counts other
 * integrations sharing the account.
 */
import type { Clock } from '../lib/clock';
import type { ZendeskLimits } from '../config';
import { SlidingWindow } from '../lib/sliding-window';

export interface BudgetRequest {
  /** A single-ticket Update Ticket request (PUT /api/v2/tickets/{id}). */
  ticketUpdate?: boolean;
  /** Tickets whose per-ticket update count this request uses (single or bulk update). */
  ticketIds?: number[];
}

export interface BudgetOptions {
  /** Fraction of each limit the bridge allows itself (the rest is headroom for timing skew). */
  headroom?: number;
  /** Account requests kept free for other integrations and agents' apps. */
  reserve?: number;
}

export class ZendeskBudget {
  private readonly account: SlidingWindow;
  private readonly updates: SlidingWindow;
  private readonly perTicket = new Map<number, SlidingWindow>();
  private readonly perTicketLimit: number;
  private accountPausedUntil = 0;
  private updatesPausedUntil = 0;
  private readonly ticketPausedUntil = new Map<number, number>();
  private remaining: { value: number; at: number } | null = null;
  private readonly headroom: number;
  private readonly reserve: number;

  constructor(
    limits: ZendeskLimits,
    private readonly clock: Clock,
    options: BudgetOptions = {},
  ) {
    this.headroom = options.headroom ?? 0.95;
    this.reserve = options.reserve ?? 0;
    this.account = new SlidingWindow(this.allowed(limits.accountPerMinute), 60_000);
    this.updates = new SlidingWindow(this.allowed(limits.ticketUpdatesPerMinute), 60_000);
    this.perTicketLimit = Math.max(1, Math.floor(limits.perTicketPer10Minutes * this.headroom));
  }

  private allowed(limit: number) {
    return Math.max(1, Math.floor(limit * this.headroom) - this.reserve);
  }

  private ticketWindow(id: number) {
    let w = this.perTicket.get(id);
    if (!w) {
      w = new SlidingWindow(this.perTicketLimit, 10 * 60_000);
      this.perTicket.set(id, w);
    }
    return w;
  }

  /** Milliseconds to wait before this request fits every limit (0: send now). */
  delayFor(req: BudgetRequest = {}): number {
    const now = this.clock.now();
    let wait = Math.max(0, this.accountPausedUntil - now, this.account.delay(now));
    // The account's own count (other integrations included): when it says nothing is left,
    // wait a second before asking again.
    if (this.remaining && this.remaining.value <= 0 && now - this.remaining.at < 1000) wait = Math.max(wait, this.remaining.at + 1000 - now);
    if (req.ticketUpdate) wait = Math.max(wait, this.updatesPausedUntil - now, this.updates.delay(now));
    for (const id of req.ticketIds ?? []) {
      wait = Math.max(wait, (this.ticketPausedUntil.get(id) ?? 0) - now, this.ticketWindow(id).delay(now));
    }
    return wait;
  }

  /** Milliseconds until one more update of this ticket fits its per-ticket limit. */
  ticketDelay(id: number): number {
    const now = this.clock.now();
    return Math.max(0, (this.ticketPausedUntil.get(id) ?? 0) - now, this.ticketWindow(id).delay(now));
  }

  /** Milliseconds until `n` more Update Ticket requests fit (0: now). */
  updatesDelay(n = 1): number {
    const now = this.clock.now();
    return Math.max(0, this.updatesPausedUntil - now, this.updates.delay(now, n));
  }

  take(req: BudgetRequest = {}): void {
    const now = this.clock.now();
    this.account.take(now);
    if (req.ticketUpdate) this.updates.take(now);
    for (const id of req.ticketIds ?? []) this.ticketWindow(id).take(now);
  }

  /** A 429 arrived: nothing of that kind goes out before `Retry-After` has passed. */
  pause(req: BudgetRequest, retryAfterMs: number): void {
    const until = this.clock.now() + retryAfterMs;
    if (req.ticketIds?.length === 1 && req.ticketUpdate) {
      // Could be the per-ticket or the endpoint limit: hold both until the server's hint.
      this.ticketPausedUntil.set(req.ticketIds[0], until);
      this.updatesPausedUntil = Math.max(this.updatesPausedUntil, until);
    } else {
      this.accountPausedUntil = Math.max(this.accountPausedUntil, until);
    }
  }

  /** Reads Zendesk's rate headers: the plan's real limit and what is left of it. */
  observe(limitHeader: string | null, remainingHeader: string | null): void {
    const limit = Number(limitHeader);
    if (limitHeader && Number.isFinite(limit) && limit > 0) this.account.limit = this.allowed(limit);
    const remaining = Number(remainingHeader);
    if (remainingHeader && Number.isFinite(remaining)) this.remaining = { value: remaining - this.reserve, at: this.clock.now() };
  }

  snapshot() {
    const now = this.clock.now();
    return { accountUsed: this.account.used(now), accountLimit: this.account.limit, updatesUsed: this.updates.used(now), updatesLimit: this.updates.limit };
  }
}
