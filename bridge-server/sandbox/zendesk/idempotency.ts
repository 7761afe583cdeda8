/**
 * `Idempotency-Key` on ticket creation
 * (https://developer.zendesk.com/api-reference/ticketing/introduction/#idempotency):
 * the same key with the same body within 2 hours answers the first response again with
 * `x-idempotency-lookup: hit`; the same key with another body is a 400
 * `IdempotentRequestError`; a first use answers `x-idempotency-lookup: miss`.
 * Only successful responses are remembered, so a rejected request can be retried with its key.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { SandboxContext } from './context';
import { badRequest } from './errors';
import { IDEMPOTENCY_TTL_MS } from './options';

/** JSON with object keys sorted, so key order does not change the fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface HandlerResult {
  status: number;
  body: unknown;
}

/**
 * Runs `handle` at most once per key (within the TTL) and sends its result. Without the
 * header it simply runs and sends.
 */
export function sendIdempotent(ctx: SandboxContext, req: Request, res: Response, handle: () => HandlerResult): void {
  const key = req.get('idempotency-key');
  if (!key) {
    const result = handle();
    res.status(result.status).json(result.body);
    return;
  }
  const scopedKey = `${req.method} ${req.baseUrl}${req.path} ${key}`;
  const fingerprint = createHash('sha256').update(canonicalJson(req.body)).digest('hex');
  const now = ctx.now();
  const stored = ctx.state.idempotency.get(scopedKey);
  if (stored && stored.expires_at > now) {
    if (stored.fingerprint !== fingerprint) {
      throw badRequest(
        'IdempotentRequestError',
        'The Idempotency-Key was already used with different request parameters. Use a new key for a different request.',
      );
    }
    res.set('x-idempotency-lookup', 'hit').status(stored.status).json(stored.body);
    return;
  }
  res.set('x-idempotency-lookup', 'miss');
  const result = handle();
  if (result.status >= 200 && result.status < 300) {
    ctx.state.idempotency.set(scopedKey, { fingerprint, status: result.status, body: result.body, expires_at: now + IDEMPOTENCY_TTL_MS });
  }
  res.status(result.status).json(result.body);
}
