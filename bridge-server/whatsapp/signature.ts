/**
 * Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw
 * request bytes keyed with the app secret. Verify the bytes first, parse afterwards
 * (octokit/webhooks.js); diagnose the usual mistakes in the message (stripe-node).
 *
 * `signPayload` is the project's own signer: tests, benchmarks and the sandbox phone sign with
 * it, so a fixture can never drift from what the bridge checks.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

const PREFIX = 'sha256=';
const DIGEST_BYTES = 32;
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

export type SignatureFailureReason = 'missing' | 'malformed' | 'mismatch' | 'not-raw-body';

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: SignatureFailureReason; message: string };

/** `sha256=<hex>` for the given bytes, exactly as Meta sends it. */
export function signPayload(rawBody: Buffer | string, secret: string): string {
  return PREFIX + createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Checks `header` against the HMAC of `rawBody` under each of `secrets` (the current app secret
 * and, during a rotation, the previous one). Constant-time per comparison; never throws.
 */
export function verifySignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: string[],
): VerifyResult {
  if (!Buffer.isBuffer(rawBody)) return notRawBody(rawBody);

  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === null || String(value).trim() === '') {
    return fail(
      'missing',
      'The request has no X-Hub-Signature-256 header. Meta signs every webhook POST; an unsigned ' +
        'request did not come from Meta (or a proxy in front of the bridge removed the header).',
    );
  }

  const expected = parseHeader(String(value).trim());
  if (!expected.ok) return expected;

  const usable = secrets.filter((s) => typeof s === 'string' && s.length > 0);
  if (usable.length === 0) {
    return fail(
      'mismatch',
      'No app secret is configured, so no signature can match. Set WHATSAPP_APP_SECRET to the ' +
        'App Secret of the Meta app (App settings > Basic).',
    );
  }

  let matched = false;
  for (const secret of usable) {
    const actual = createHmac('sha256', secret).update(rawBody).digest();
    // Both are 32 bytes, as timingSafeEqual requires. Do not stop early: the time taken does
    // not depend on which secret matched.
    if (timingSafeEqual(actual, expected.digest)) matched = true;
  }
  if (matched) return { ok: true };

  return fail(
    'mismatch',
    `The X-Hub-Signature-256 header does not match the request body under any of the ` +
      `${usable.length} configured app secret(s). Check that WHATSAPP_APP_SECRET is the App ` +
      `Secret of the Meta app that owns the webhook (not the access token or the verify token), ` +
      `and that the body is verified as the exact bytes received: re-serialising parsed JSON ` +
      `changes the bytes (Meta escapes "/" and non-ASCII characters).` +
      (rawBody.length === 0 ? ' The body passed in is empty: was it consumed by a body parser first?' : ''),
  );
}

function parseHeader(
  value: string,
): { ok: true; digest: Buffer } | { ok: false; reason: 'malformed'; message: string } {
  if (!value.startsWith(PREFIX)) {
    if (/^sha1=/i.test(value)) {
      return fail(
        'malformed',
        'The header holds a SHA-1 signature ("sha1=…"): that is X-Hub-Signature. Read ' +
          'X-Hub-Signature-256, whose value starts with "sha256=".',
      );
    }
    if (HEX_DIGEST.test(value)) {
      return fail(
        'malformed',
        'The signature has no "sha256=" prefix. X-Hub-Signature-256 looks like "sha256=<64 hex digits>".',
      );
    }
    return fail(
      'malformed',
      'The X-Hub-Signature-256 header does not start with "sha256=". Expected "sha256=<64 hex digits>".',
    );
  }
  const hex = value.slice(PREFIX.length);
  if (!HEX_DIGEST.test(hex)) {
    return fail(
      'malformed',
      `The signature after "sha256=" must be 64 hex digits; got ${hex.length} character(s)` +
        (/[^0-9a-fA-F]/.test(hex) ? ' including non-hex ones' : '') +
        '.',
    );
  }
  const digest = Buffer.from(hex, 'hex');
  if (digest.length !== DIGEST_BYTES) return fail('malformed', 'The signature is not a SHA-256 digest.');
  return { ok: true, digest };
}

function notRawBody(body: unknown): VerifyResult {
  const what =
    typeof body === 'string'
      ? 'a string, not the raw request bytes (decoding to text can change the bytes)'
      : body instanceof Uint8Array || body instanceof ArrayBuffer
        ? 'a typed array / ArrayBuffer; wrap it with Buffer.from() first'
        : body === undefined || body === null
          ? `${String(body)}: the raw body was not captured`
          : typeof body === 'object'
            ? 'a parsed object, not the raw request bytes'
            : `a ${typeof body}, not the raw request bytes`;
  return fail(
    'not-raw-body',
    `verifySignature needs the raw request body as a Buffer; you passed ${what}. The signature ` +
      'covers the exact bytes Meta sent, so read the body with express.raw({ type: ' +
      "'application/json' }) (or keep the buffer from express.json's verify hook) and parse it " +
      'only after the signature is checked.',
  );
}

function fail<R extends SignatureFailureReason>(
  reason: R,
  message: string,
): { ok: false; reason: R; message: string } {
  return { ok: false, reason, message };
}
