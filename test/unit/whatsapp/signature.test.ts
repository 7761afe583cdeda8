import { signPayload, verifySignature } from '../../../bridge-server/whatsapp/signature';

const secret = 'app-secret-current';
const previous = 'app-secret-previous';
const body = Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}');

describe('webhook signature', () => {
  it('when the body is signed with the app secret, then it is accepted', () => {
    const header = signPayload(body, secret);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(body, header, [secret])).toEqual({ ok: true });
  });

  it('when signed from a string of the same bytes, then the signature is the same', () => {
    expect(signPayload(body.toString('utf8'), secret)).toBe(signPayload(body, secret));
  });

  it('when the header is in upper-case hex, then it is still accepted', () => {
    const header = signPayload(body, secret).replace(/[0-9a-f]{64}$/, (hex) => hex.toUpperCase());
    expect(verifySignature(body, header, [secret]).ok).toBe(true);
  });

  it('when signed with another secret, then it is a mismatch that names the likely causes', () => {
    const result = verifySignature(body, signPayload(body, 'someone-else'), [secret]);
    expect(result).toMatchObject({ ok: false, reason: 'mismatch' });
    if (!result.ok) expect(result.message).toMatch(/WHATSAPP_APP_SECRET/);
  });

  it('when one byte of the body changed, then it is a mismatch', () => {
    const header = signPayload(body, secret);
    const altered = Buffer.from(body);
    altered[10] ^= 1;
    expect(verifySignature(altered, header, [secret])).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('when the secret is being rotated, then both the current and the previous secret are accepted', () => {
    expect(verifySignature(body, signPayload(body, previous), [secret, previous]).ok).toBe(true);
    expect(verifySignature(body, signPayload(body, secret), [secret, previous]).ok).toBe(true);
    expect(verifySignature(body, signPayload(body, previous), [secret]).ok).toBe(false);
  });

  it('when no secret is configured, then nothing matches and the message says what to set', () => {
    const result = verifySignature(body, signPayload(body, secret), ['']);
    expect(result).toMatchObject({ ok: false, reason: 'mismatch' });
    if (!result.ok) expect(result.message).toMatch(/No app secret is configured/);
  });

  it('when the header is missing or empty, then the reason is "missing"', () => {
    expect(verifySignature(body, undefined, [secret])).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifySignature(body, '  ', [secret])).toMatchObject({ ok: false, reason: 'missing' });
  });

  it.each([
    ['no prefix', 'a'.repeat(64), /no "sha256=" prefix/],
    ['the SHA-1 header', 'sha1=' + 'a'.repeat(40), /X-Hub-Signature-256/],
    ['a short digest', 'sha256=abc', /64 hex digits; got 3/],
    ['non-hex digits', 'sha256=' + 'z'.repeat(64), /non-hex/],
    ['garbage', 'Bearer xyz', /does not start with "sha256="/],
  ])('when the header is malformed (%s), then the reason is "malformed" and says why', (_case, header, why) => {
    const result = verifySignature(body, header, [secret]);
    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
    if (!result.ok) expect(result.message).toMatch(why);
  });

  it('when a parsed object is passed instead of the raw bytes, then it says so', () => {
    const parsed = JSON.parse(body.toString());
    const result = verifySignature(parsed as unknown as Buffer, signPayload(body, secret), [secret]);
    expect(result).toMatchObject({ ok: false, reason: 'not-raw-body' });
    if (!result.ok) {
      expect(result.message).toMatch(/you passed a parsed object, not the raw request bytes/);
      expect(result.message).toMatch(/express\.raw/);
    }
  });

  it('when a string or nothing is passed instead of the raw bytes, then it says so', () => {
    const asString = verifySignature(body.toString() as unknown as Buffer, signPayload(body, secret), [secret]);
    expect(asString).toMatchObject({ ok: false, reason: 'not-raw-body' });
    if (!asString.ok) expect(asString.message).toMatch(/a string/);
    const nothing = verifySignature(undefined as unknown as Buffer, signPayload(body, secret), [secret]);
    expect(nothing).toMatchObject({ ok: false, reason: 'not-raw-body' });
  });

  it('when verifying many requests, then it stays fast (hot path: ~1,000 req/s)', () => {
    const big = Buffer.alloc(64 * 1024, 'x');
    const header = signPayload(big, secret);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) verifySignature(big, header, [secret, previous]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(ms).toBeLessThan(1000);
  });
});
