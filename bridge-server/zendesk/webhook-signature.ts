/**
 * Zendesk's webhook signature: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret,
 * timestamp + raw body)), with the timestamp in `X-Zendesk-Webhook-Signature-Timestamp`.
 * Verify the raw bytes first, parse afterwards; constant time; a second secret is accepted during
 * a rotation; a timestamp more than `maxSkewMs` away from now is refused (a replayed request).
 *
 * `signZendeskWebhook` is the project's own signer: the sandbox and the tests sign with it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

export type ZendeskSignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch' | 'no-secret';
export type ZendeskVerifyResult = { ok: true } | { ok: false; reason: ZendeskSignatureFailure; message: string };

export function signZendeskWebhook(rawBody: Buffer | string, timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(timestamp).update(rawBody).digest('base64');
}

export function verifyZendeskWebhook(
  rawBody: Buffer,
  headers: { signature: string | undefined; timestamp: string | undefined },
  secrets: (string | null | undefined)[],
  now: number,
  maxSkewMs = DEFAULT_MAX_SKEW_MS,
): ZendeskVerifyResult {
  const usable = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  if (usable.length === 0) {
    return {
      ok: false,
      reason: 'no-secret',
      message: 'No Zendesk webhook secret is configured: run `npm run bridge -- setup` and set ZENDESK_WEBHOOK_SECRET to the signing secret it prints.',
    };
  }
  if (!headers.signature || !headers.timestamp) {
    return { ok: false, reason: 'missing', message: 'The request has no X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp headers: it did not come from a Zendesk webhook.' };
  }
  const at = Date.parse(headers.timestamp);
  if (!Number.isFinite(at)) return { ok: false, reason: 'malformed', message: 'X-Zendesk-Webhook-Signature-Timestamp is not a date.' };
  if (Math.abs(now - at) > maxSkewMs) {
    return {
      ok: false,
      reason: 'stale',
      message: `The webhook's timestamp (${headers.timestamp}) is more than ${Math.round(maxSkewMs / 60000)} minutes from the bridge's clock: refused as a possible replay. Check the server's clock if this repeats.`,
    };
  }
  const given = Buffer.from(headers.signature.trim(), 'base64');
  if (given.length !== 32) return { ok: false, reason: 'malformed', message: 'X-Zendesk-Webhook-Signature is not a base64 SHA-256 digest.' };
  let matched = false;
  for (const secret of usable) {
    const expected = createHmac('sha256', secret).update(headers.timestamp).update(rawBody).digest();
    if (timingSafeEqual(expected, given)) matched = true;
  }
  if (matched) return { ok: true };
  return {
    ok: false,
    reason: 'mismatch',
    message:
      'X-Zendesk-Webhook-Signature does not match the body under the configured secret(s). Check that ZENDESK_WEBHOOK_SECRET is the signing secret of the webhook `setup` created (run setup again to print it), and that nothing re-encodes the body on the way.',
  };
}
