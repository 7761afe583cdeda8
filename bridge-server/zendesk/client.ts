/**
 * Zendesk REST client: global fetch, the account's auth, the rate budget before every request,
 * and errors classified for the caller. Requests that are safe to repeat (reads, creates with an
 * Idempotency-Key, anything answered 429) are retried here; an update whose fate is unknown is
 * handed back as `uncertain` so the caller can look before writing again.
 */
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import type { Clock } from '../lib/clock';
import { retryDelayMs, shouldRetry } from '../lib/retry-policy';
import type { AuthProvider } from './auth';
import { ZendeskError, classifyZendeskFailure } from './errors';
import type { BudgetRequest, ZendeskBudget } from './rate-budget';
import type { BridgeMetadata, CommentInput, TicketStatus, ZendeskAudit, ZendeskJobStatus, ZendeskTicket, ZendeskUser } from './types';

export interface ZendeskClientOptions {
  baseUrl: string;
  auth: AuthProvider;
  budget: ZendeskBudget;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** Attempts for requests that are safe to repeat (1 disables retries, as in unit tests). */
  maxAttempts?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

interface RequestOptions {
  body?: unknown;
  raw?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
  budget?: BudgetRequest;
  /** May this request be sent again after a failure without risk of doing it twice? */
  repeatable: boolean;
  /** For metrics and messages: what the request does. */
  what: string;
}

export interface Response<T> {
  status: number;
  body: T;
  headers: Headers;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ZendeskClient {
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly o: ZendeskClientOptions) {
    this.maxAttempts = o.maxAttempts ?? 5;
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.fetchImpl = o.fetchImpl ?? fetch;
  }

  get budget(): ZendeskBudget {
    return this.o.budget;
  }

  async request<T>(method: string, path: string, opts: RequestOptions): Promise<Response<T>> {
    for (let attempt = 1; ; attempt++) {
      const wait = this.o.budget.delayFor(opts.budget);
      if (wait > 0) await sleep(wait);
      this.o.budget.take(opts.budget);
      let res: globalThis.Response;
      try {
        res = await this.fetchImpl(`${this.o.baseUrl}${path}`, {
          method,
          headers: {
            authorization: await this.o.auth.header(),
            accept: 'application/json',
            ...(opts.raw ? { 'content-type': opts.raw.contentType } : opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...opts.headers,
          },
          body: opts.raw ? new Uint8Array(opts.raw.bytes) : opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (cause) {
        this.o.metrics?.zendeskRequests.inc({ kind: opts.what, outcome: 'network' });
        const error = new ZendeskError(
          opts.repeatable ? 'transient' : 'uncertain',
          `No answer from Zendesk for ${opts.what} (${(cause as Error).message})`,
          null,
          null,
          null,
          { cause },
        );
        if (opts.repeatable && shouldRetry({ attempt, maxAttempts: this.maxAttempts, status: null })) {
          await sleep(retryDelayMs({ attempt, maxAttempts: this.maxAttempts, status: null }, { baseMs: 200, capMs: 5000 }));
          continue;
        }
        throw error;
      }
      this.o.budget.observe(res.headers.get('x-rate-limit'), res.headers.get('x-rate-limit-remaining'));
      const text = await res.text();
      let body: unknown = text;
      if (text && (res.headers.get('content-type') ?? '').includes('json')) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      this.o.metrics?.zendeskRequests.inc({ kind: opts.what, outcome: res.status === 429 ? '429' : `${String(res.status)[0]}xx` });
      if (res.ok) return { status: res.status, body: body as T, headers: res.headers };

      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), this.o.clock.now());
      if (res.status === 429) this.o.budget.pause(opts.budget ?? {}, retryAfterMs ?? 1000);
      if (res.status === 401) this.o.auth.invalidate();
      const error = classifyZendeskFailure(res.status, body, retryAfterMs, opts.what);
      // A 5xx on an update may have been applied before the server failed: the caller checks.
      if (res.status >= 500 && !opts.repeatable) {
        throw new ZendeskError('uncertain', error.message, res.status, retryAfterMs, body);
      }
      const again = res.status === 429 || (opts.repeatable && res.status >= 500);
      if (again && shouldRetry({ attempt, maxAttempts: this.maxAttempts, status: res.status })) {
        this.o.logger.warn({ status: res.status, what: opts.what, attempt, retryAfterMs }, 'zendesk request will be retried');
        await sleep(res.status === 429 ? 0 : retryDelayMs({ attempt, maxAttempts: this.maxAttempts, status: res.status, retryAfterMs }, { baseMs: 200, capMs: 10_000 }));
        continue;
      }
      throw error;
    }
  }

  // ---- users

  async createOrUpdateUser(user: { name: string; external_id: string; phone?: string | null }): Promise<ZendeskUser> {
    const res = await this.request<{ user: ZendeskUser }>('POST', '/api/v2/users/create_or_update', {
      body: { user: { ...user, role: 'end-user', verified: true } },
      repeatable: true, // matched on external_id: repeating it finds the same user
      what: 'user create_or_update',
    });
    return res.body.user;
  }

  async addPhoneIdentity(userId: number, phone: string): Promise<'added' | 'exists'> {
    try {
      await this.request('POST', `/api/v2/users/${userId}/identities`, {
        body: { identity: { type: 'phone_number', value: phone } },
        repeatable: true,
        what: 'add phone identity',
      });
      return 'added';
    } catch (err) {
      if (err instanceof ZendeskError && err.httpStatus === 422) return 'exists';
      throw err;
    }
  }

  async me(): Promise<{ id: number; name: string; role: string; email?: string }> {
    const res = await this.request<{ user: { id: number; name: string; role: string; email?: string } }>('GET', '/api/v2/users/me', { repeatable: true, what: 'users/me' });
    return res.body.user;
  }

  // ---- tickets

  async getTicket(id: number): Promise<ZendeskTicket> {
    const res = await this.request<{ ticket: ZendeskTicket }>('GET', `/api/v2/tickets/${id}`, { repeatable: true, what: 'show ticket' });
    return res.body.ticket;
  }

  async createTicket(ticket: CreateTicketBody, idempotencyKey: string): Promise<{ ticket: ZendeskTicket; commentId: number | null }> {
    const res = await this.request<{ ticket: ZendeskTicket; audit?: ZendeskAudit }>('POST', '/api/v2/tickets', {
      body: { ticket },
      headers: { 'idempotency-key': idempotencyKey },
      repeatable: true, // the Idempotency-Key makes a repeat return the first ticket
      what: 'create ticket',
    });
    return { ticket: res.body.ticket, commentId: commentIdOf(res.body.audit) };
  }

  async updateTicket(id: number, ticket: UpdateTicketBody): Promise<{ ticket: ZendeskTicket; commentId: number | null }> {
    const res = await this.request<{ ticket: ZendeskTicket; audit?: ZendeskAudit }>('PUT', `/api/v2/tickets/${id}`, {
      body: { ticket },
      budget: { ticketUpdate: true, ticketIds: [id] },
      repeatable: false,
      what: 'update ticket',
    });
    return { ticket: res.body.ticket, commentId: commentIdOf(res.body.audit) };
  }

  /** Several tickets, each with its own changes, in one request (a background job in Zendesk). */
  async updateMany(tickets: (UpdateTicketBody & { id: number })[]): Promise<ZendeskJobStatus> {
    const res = await this.request<{ job_status: ZendeskJobStatus }>('PUT', '/api/v2/tickets/update_many', {
      body: { tickets },
      budget: { ticketIds: tickets.map((t) => t.id) },
      repeatable: false,
      what: 'update many tickets',
    });
    return res.body.job_status;
  }

  async jobStatus(id: string): Promise<ZendeskJobStatus> {
    const res = await this.request<{ job_status: ZendeskJobStatus }>('GET', `/api/v2/job_statuses/${encodeURIComponent(id)}`, { repeatable: true, what: 'job status' });
    return res.body.job_status;
  }

  /** The ticket's newest audits first: how the bridge finds out whether an uncertain write landed. */
  async recentAudits(ticketId: number, pageSize = 100): Promise<ZendeskAudit[]> {
    const res = await this.request<{ audits: ZendeskAudit[] }>('GET', `/api/v2/tickets/${ticketId}/audits?sort_order=desc&page[size]=${pageSize}`, {
      repeatable: true,
      what: 'list audits',
    });
    return res.body.audits;
  }

  // ---- uploads

  async upload(fileName: string, bytes: Buffer, contentType: string): Promise<{ token: string }> {
    const res = await this.request<{ upload: { token: string } }>('POST', `/api/v2/uploads?filename=${encodeURIComponent(fileName)}`, {
      raw: { bytes, contentType },
      repeatable: true, // a repeat only leaves an unused upload behind, which Zendesk discards
      what: 'upload',
    });
    return { token: res.body.upload.token };
  }
}

export interface CreateTicketBody {
  subject: string;
  requester_id: number;
  comment: CommentInput;
  tags: string[];
  external_id?: string;
  via_followup_source_id?: number;
  metadata: BridgeMetadata;
  custom_fields?: { id: number; value: unknown }[];
}

export interface UpdateTicketBody {
  comment: CommentInput;
  safe_update?: boolean;
  updated_stamp?: string;
  status?: TicketStatus;
  metadata: BridgeMetadata;
}

function commentIdOf(audit: ZendeskAudit | undefined): number | null {
  return audit?.events?.find((e) => e.type === 'Comment')?.id ?? null;
}

export function parseRetryAfter(header: string | null, now: number): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}
