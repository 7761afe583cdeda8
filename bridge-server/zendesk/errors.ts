import { AppError } from '../lib/errors';

/**
 * What went wrong with a Zendesk request, classified for the caller:
 * - rate-limited: 429, try again after `retryAfterMs`;
 * - transient: 5xx or no answer before the request could have been applied;
 * - uncertain: the connection broke after the request was sent: it may have been applied;
 * - conflict: 409 (safe update saw a newer ticket);
 * - closed / comment-cap: 422s that need a new or follow-up ticket;
 * - not-found, auth, invalid: permanent until something is fixed.
 */
export type ZendeskErrorKind = 'rate-limited' | 'transient' | 'uncertain' | 'conflict' | 'closed' | 'comment-cap' | 'not-found' | 'auth' | 'invalid';

export class ZendeskError extends AppError {
  constructor(
    readonly kind: ZendeskErrorKind,
    message: string,
    readonly httpStatus: number | null,
    readonly retryAfterMs: number | null = null,
    readonly details: unknown = null,
    options: { cause?: unknown } = {},
  ) {
    super(`zendesk_${kind.replace('-', '_')}`, message, { status: httpStatus ?? 502, cause: options.cause });
    this.name = 'ZendeskError';
  }

  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'transient' || this.kind === 'conflict' || this.kind === 'uncertain';
  }
}

export function classifyZendeskFailure(status: number, body: unknown, retryAfterMs: number | null, what: string): ZendeskError {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  const description = describe(body);
  if (status === 429) return new ZendeskError('rate-limited', `Zendesk rate limit reached on ${what}; retrying after ${Math.ceil((retryAfterMs ?? 0) / 1000)} s`, status, retryAfterMs, body);
  if (status === 409) return new ZendeskError('conflict', `The ticket changed in Zendesk while the bridge was writing (${what}); re-reading it`, status, null, body);
  if (status >= 500) return new ZendeskError('transient', `Zendesk answered ${status} on ${what}; it will be retried`, status, retryAfterMs, body);
  if (status === 401 || status === 403)
    return new ZendeskError('auth', `Zendesk refused the bridge's credentials (${status}) on ${what}: check ZENDESK_OAUTH_TOKEN (or the client credentials / API token) and its scopes with \`npm run bridge -- doctor\``, status, null, body);
  if (status === 404) return new ZendeskError('not-found', `Zendesk has no such record (${what})`, status, null, body);
  if (status === 422 && /closed prevents ticket update|status: closed/i.test(text)) return new ZendeskError('closed', `The ticket is closed in Zendesk (${what}); a follow-up ticket is needed`, status, null, body);
  if (status === 422 && /comment.*(limit|cap|maximum)|5,?000 comments|too many comments/i.test(text)) return new ZendeskError('comment-cap', `The ticket reached Zendesk's comment limit (${what}); a new ticket is needed`, status, null, body);
  return new ZendeskError('invalid', `Zendesk rejected ${what} (${status}): ${description}`, status, null, body);
}

function describe(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const parts = [b.error, b.description, b.details ? JSON.stringify(b.details) : undefined].filter((x) => typeof x === 'string' && x);
    if (parts.length) return parts.join(': ');
  }
  return typeof body === 'string' ? body.slice(0, 300) : 'no details';
}
