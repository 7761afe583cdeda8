import type { ErrorRequestHandler } from 'express';

/** One error type for the whole sandbox: the status, the Zendesk-shaped body and extra headers. */
export class ZendeskApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(describe(body) ?? `Zendesk sandbox error ${status}`);
    this.name = 'ZendeskApiError';
  }
}

/** `RecordInvalid: Record validation errors (Status: closed prevents ticket update)`. */
function describe(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const { error, description, details } = body as { error?: unknown; description?: unknown; details?: unknown };
    const reasons =
      details && typeof details === 'object'
        ? Object.values(details as Record<string, Array<{ description?: string }>>)
            .flat()
            .map((detail) => detail?.description)
            .filter(Boolean)
        : [];
    if (typeof description === 'string') return `${String(error)}: ${description}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
    if (typeof error === 'string') return error;
  }
  return undefined;
}

export interface FieldError {
  description: string;
  error?: string;
}

/** 422 `RecordInvalid` with Zendesk's per-field details. */
export function recordInvalid(details: Record<string, FieldError[]>): ZendeskApiError {
  return new ZendeskApiError(422, { error: 'RecordInvalid', description: 'Record validation errors', details });
}

export function recordNotFound(): ZendeskApiError {
  return new ZendeskApiError(404, { error: 'RecordNotFound', description: 'Not found' });
}

export function invalidEndpoint(): ZendeskApiError {
  return new ZendeskApiError(404, { error: 'InvalidEndpoint', description: 'Not found' });
}

export function badRequest(error: string, description: string, details?: unknown): ZendeskApiError {
  return new ZendeskApiError(400, details === undefined ? { error, description } : { error, description, details });
}

export function unauthorized(): ZendeskApiError {
  return new ZendeskApiError(401, { error: "Couldn't authenticate you" });
}

export function forbidden(): ZendeskApiError {
  return new ZendeskApiError(403, {
    error: 'Forbidden',
    description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.',
  });
}

export function tooManyRequests(retryAfterSeconds: number, description: string): ZendeskApiError {
  return new ZendeskApiError(
    429,
    { error: 'TooManyRequests', description },
    { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  );
}

export function updateConflict(): ZendeskApiError {
  return new ZendeskApiError(409, {
    error: 'UpdateConflict',
    description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
  });
}

/** The webhooks API answers errors in the newer `{errors: [{code, title, detail}]}` shape. */
export function webhookError(status: number, code: string, title: string, detail: string): ZendeskApiError {
  return new ZendeskApiError(status, { errors: [{ code, title, detail }] });
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/** Central handler: sandbox errors as they are, body-parser errors in Zendesk's words, the rest 500. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  if (err instanceof ZendeskApiError) {
    res.status(err.status).set(err.headers).json(err.body);
    return;
  }
  const parserError = err as BodyParserError;
  if (parserError.type === 'entity.too.large') {
    res.status(413).json({
      error: 'RequestEntityTooLarge',
      description: `The request body is larger than the ${parserError.limit ?? 'allowed'} byte limit (uploads: 50 MB per file).`,
    });
    return;
  }
  if (parserError.type === 'entity.parse.failed') {
    res.status(400).json({ error: 'InvalidJSON', description: `The request body is not valid JSON: ${parserError.message}` });
    return;
  }
  if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    res.status(parserError.status).json({ error: 'BadRequest', description: parserError.message ?? 'Bad request' });
    return;
  }
  res.status(500).json({ error: 'InternalServerError', description: err instanceof Error ? err.message : String(err) });
};
