/**
 * Zendesk's request limits as sliding windows on the sandbox clock
 * (https://developer.zendesk.com/api-reference/introduction/rate-limits/):
 * - the account: `plan.accountPerMinute` requests per minute, every authenticated /api/v2 call;
 * - Update Ticket (`PUT /api/v2/tickets/{id}`): `plan.ticketUpdatesPerMinute` per minute;
 * - one ticket updated by one user: `plan.perTicketPer10Minutes` per 10 minutes, which bulk
 *   updates (`update_many`) also spend, ticket by ticket, inside the job.
 * A request answered 429 takes no slot.
 */
import type { RequestHandler } from 'express';
import type { Clock } from '../../lib/clock';
import type { PlanLimits } from './options';
import { tooManyRequests } from './errors';

const MINUTE_MS = 60_000;
const TEN_MINUTES_MS = 10 * MINUTE_MS;

/** Arrival times within the last `windowMs`; full when `limit` of them remain. */
export class SlidingWindow {
  private arrivals: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.arrivals.length && this.arrivals[drop] <= cutoff) drop += 1;
    if (drop > 0) this.arrivals.splice(0, drop);
  }

  remaining(now: number): number {
    this.prune(now);
    return Math.max(0, this.limit - this.arrivals.length);
  }

  /** Milliseconds until a slot frees, or 0 when one is free now. */
  waitMs(now: number): number {
    this.prune(now);
    if (this.arrivals.length < this.limit) return 0;
    if (this.limit <= 0) return this.windowMs;
    return this.arrivals[this.arrivals.length - this.limit] + this.windowMs - now;
  }

  /** Seconds until the window has fully emptied (for `ratelimit-reset`). */
  resetSeconds(now: number): number {
    this.prune(now);
    if (this.arrivals.length === 0) return 0;
    return Math.ceil((this.arrivals[0] + this.windowMs - now) / 1000);
  }

  record(now: number): void {
    this.arrivals.push(now);
  }
}

interface LimitCheck {
  window: SlidingWindow;
  description: string;
}

export class RateLimiter {
  readonly account: SlidingWindow;
  readonly ticketUpdates: SlidingWindow;
  private readonly perTicket = new Map<string, SlidingWindow>();

  constructor(
    private readonly plan: PlanLimits,
    private readonly clock: Clock,
  ) {
    this.account = new SlidingWindow(plan.accountPerMinute, MINUTE_MS);
    this.ticketUpdates = new SlidingWindow(plan.ticketUpdatesPerMinute, MINUTE_MS);
  }

  ticketWindow(userId: number, ticketId: number): SlidingWindow {
    const key = `${userId}:${ticketId}`;
    let window = this.perTicket.get(key);
    if (!window) {
      window = new SlidingWindow(this.plan.perTicketPer10Minutes, TEN_MINUTES_MS);
      this.perTicket.set(key, window);
    }
    return window;
  }

  /**
   * Takes one slot in each window, or none: throws the 429 with the longest wait when any is full.
   */
  take(checks: LimitCheck[]): void {
    const now = this.clock.now();
    let longest: { waitMs: number; description: string } | undefined;
    for (const check of checks) {
      const waitMs = check.window.waitMs(now);
      if (waitMs > 0 && (!longest || waitMs > longest.waitMs)) longest = { waitMs, description: check.description };
    }
    if (longest) throw tooManyRequests(longest.waitMs / 1000, longest.description);
    for (const check of checks) check.window.record(now);
  }

  /** One bulk-job item: the per-ticket window only. */
  takeBulkTicketSlot(userId: number, ticketId: number): void {
    this.take([{ window: this.ticketWindow(userId, ticketId), description: perTicketDescription(this.plan, ticketId) }]);
  }

  /** The windows a request to `method path` spends (path already stripped of `.json`). */
  checksFor(method: string, path: string, userId: number): LimitCheck[] {
    const checks: LimitCheck[] = [
      {
        window: this.account,
        description: `Account rate limit of ${this.plan.accountPerMinute} requests per minute exceeded. Wait for the Retry-After seconds before retrying.`,
      },
    ];
    const update = method === 'PUT' ? /^\/api\/v2\/tickets\/(\d+)\/?$/.exec(path) : null;
    if (update) {
      const ticketId = Number(update[1]);
      checks.push(
        {
          window: this.ticketUpdates,
          description: `Update Ticket rate limit of ${this.plan.ticketUpdatesPerMinute} requests per minute exceeded. Batch changes with update_many or coalesce updates.`,
        },
        { window: this.ticketWindow(userId, ticketId), description: perTicketDescription(this.plan, ticketId) },
      );
    }
    return checks;
  }

  /** Sets the account headers Zendesk sends on every response. */
  accountHeaders(): Record<string, string> {
    const now = this.clock.now();
    const remaining = String(this.account.remaining(now));
    const limit = String(this.plan.accountPerMinute);
    return {
      'X-Rate-Limit': limit,
      'X-Rate-Limit-Remaining': remaining,
      'ratelimit-limit': limit,
      'ratelimit-remaining': remaining,
      'ratelimit-reset': String(this.account.resetSeconds(now)),
    };
  }
}

function perTicketDescription(plan: PlanLimits, ticketId: number): string {
  return `Rate limit for ticket updates exceeded: ticket ${ticketId} was updated ${plan.perTicketPer10Minutes} times in the last 10 minutes. Coalesce messages into fewer updates.`;
}

/**
 * Runs after authentication: takes the request's slots (or answers 429) and sets the headers.
 * `userIdOf` reads the acting user that `authenticate` stored.
 */
export function rateLimitMiddleware(limiter: RateLimiter, userIdOf: (res: Parameters<RequestHandler>[1]) => number): RequestHandler {
  return (req, res, next) => {
    try {
      limiter.take(limiter.checksFor(req.method, req.baseUrl + req.path, userIdOf(res)));
    } finally {
      res.set(limiter.accountHeaders());
    }
    next();
  };
}

/** Runs before authentication so that 401s also carry the account headers. */
export function rateLimitHeaders(limiter: RateLimiter): RequestHandler {
  return (_req, res, next) => {
    res.set(limiter.accountHeaders());
    next();
  };
}
