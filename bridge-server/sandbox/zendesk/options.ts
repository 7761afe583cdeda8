import { type Clock, systemClock } from '../../lib/clock';

/** Per-plan request limits (https://developer.zendesk.com/api-reference/introduction/rate-limits/). */
export interface PlanLimits {
  /** Requests per minute for the whole account (Team 200, Growth/Professional 400, Enterprise 700). */
  accountPerMinute: number;
  /** Update Ticket (`PUT /api/v2/tickets/{id}`) requests per minute for the account. */
  ticketUpdatesPerMinute: number;
  /** Updates of one ticket by one user per 10 minutes. */
  perTicketPer10Minutes: number;
}

export const ENTERPRISE_PLAN: PlanLimits = {
  accountPerMinute: 700,
  ticketUpdatesPerMinute: 100,
  perTicketPer10Minutes: 30,
};

export interface SandboxAuthOptions {
  /** Bearer tokens accepted as-is (besides the ones minted by `POST /oauth/tokens`). */
  bearerTokens?: string[];
  /** Legacy API tokens, used as Basic `email/token:token`. */
  apiTokens?: Array<{ email: string; token: string }>;
  /** Confidential OAuth clients allowed the client-credentials grant. */
  oauthClients?: Array<{ id: string; secret: string }>;
}

export interface ZendeskSandboxOptions {
  clock?: Clock;
  plan?: Partial<PlanLimits>;
  auth?: SandboxAuthOptions;
  /** Shown in the demo console and `GET /__sandbox/state`; default `sandbox`. */
  subdomain?: string;
  /** Artificial delay before every request is handled, in ms (real time). Default 0. */
  latencyMs?: number;
  /** Comments one ticket may hold before updates with a comment fail with 422. Default 5,000. */
  commentCap?: number;
  /** Real-time delay before a bulk job runs, in ms. Default 20. */
  jobDelayMs?: number;
  /** Queued or working jobs allowed at once for the account. Default 30. */
  maxActiveJobs?: number;
  /** Lifetime of tokens minted by the client-credentials grant, in seconds. Default 3,600. */
  oauthTokenTtlSeconds?: number;
}

export interface ResolvedOptions {
  clock: Clock;
  plan: PlanLimits;
  auth: Required<SandboxAuthOptions>;
  subdomain: string;
  latencyMs: number;
  commentCap: number;
  jobDelayMs: number;
  maxActiveJobs: number;
  oauthTokenTtlSeconds: number;
}

export const DEFAULT_BEARER_TOKEN = 'sandbox-zendesk-token';
export const DEFAULT_API_TOKEN = { email: 'bridge@example.com', token: 'sandbox-api-token' };
export const DEFAULT_OAUTH_CLIENT = { id: 'sandbox-client', secret: 'sandbox-secret' };

/** Upload tokens attach for 60 minutes. */
export const UPLOAD_TOKEN_TTL_MS = 60 * 60 * 1000;
/** Idempotency keys on ticket creation are remembered for 2 hours. */
export const IDEMPOTENCY_TTL_MS = 2 * 60 * 60 * 1000;
/** Largest accepted upload. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Tickets in one `update_many` request. */
export const MAX_BULK_TICKETS = 100;

export function resolveOptions(options: ZendeskSandboxOptions = {}): ResolvedOptions {
  return {
    clock: options.clock ?? systemClock,
    plan: { ...ENTERPRISE_PLAN, ...options.plan },
    auth: {
      bearerTokens: options.auth?.bearerTokens ?? [DEFAULT_BEARER_TOKEN],
      apiTokens: options.auth?.apiTokens ?? [DEFAULT_API_TOKEN],
      oauthClients: options.auth?.oauthClients ?? [DEFAULT_OAUTH_CLIENT],
    },
    subdomain: options.subdomain ?? 'sandbox',
    latencyMs: options.latencyMs ?? 0,
    commentCap: options.commentCap ?? 5000,
    jobDelayMs: options.jobDelayMs ?? 20,
    maxActiveJobs: options.maxActiveJobs ?? 30,
    oauthTokenTtlSeconds: options.oauthTokenTtlSeconds ?? 3600,
  };
}
