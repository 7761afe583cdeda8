/**
 * Graph API error bodies, shaped like Meta's:
 * `{error: {message, type, code, error_subcode?, error_data?, fbtrace_id}}`.
 * The bridge acts on `code`, not on the HTTP status, so the sandbox must get both right.
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

export interface GraphErrorFields {
  message: string;
  type?: string;
  code: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
  error_data?: { messaging_product?: 'whatsapp'; details?: string } & Record<string, unknown>;
}

export interface GraphErrorBody {
  error: GraphErrorFields & { type: string; fbtrace_id: string };
}

/** Meta's trace ids look like `AbCdEf12345_-xYz`. */
export function fbtraceId(): string {
  return randomBytes(12).toString('base64url').slice(0, 16);
}

export function graphErrorBody(fields: GraphErrorFields): GraphErrorBody {
  return { error: { type: 'OAuthException', ...fields, fbtrace_id: fbtraceId() } };
}

export function sendGraphError(res: Response, status: number, fields: GraphErrorFields): void {
  if (status === 401) {
    res.set('WWW-Authenticate', `OAuth "Facebook Platform" "invalid_token" "${fields.message.replace(/"/g, "'")}"`);
  }
  res.status(status).json(graphErrorBody(fields));
}

/** A plausible error body for a fault that gives only an HTTP status. */
export function defaultFaultBody(status: number): GraphErrorBody {
  if (status === 429) {
    return graphErrorBody({ message: '(#4) Application request limit reached', code: 4, is_transient: true });
  }
  if (status >= 500) {
    return graphErrorBody({
      message: 'An unexpected error has occurred. Please retry your request later.',
      code: 2,
      is_transient: true,
    });
  }
  if (status === 401) return graphErrorBody({ message: 'Error validating access token: Session has expired.', code: 190 });
  return graphErrorBody({ message: 'An unknown error has occurred.', code: 1 });
}
