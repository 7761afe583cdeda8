import { createHash } from 'node:crypto';
import { AdjustableClock } from '../../../bridge-server/lib/clock';
import { createWhatsAppSandbox, type WhatsAppSandbox } from '../../../bridge-server/sandbox/whatsapp';

const token = 'sandbox-whatsapp-token';
const auth = { Authorization: `Bearer ${token}` };
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from('not really a jpeg, but bytes'), 0xff, 0xd9]);

describe('WhatsApp Cloud API sandbox: media', () => {
  let clock: AdjustableClock;
  let sandbox: WhatsAppSandbox;
  let base: string;

  beforeEach(async () => {
    clock = new AdjustableClock();
    sandbox = createWhatsAppSandbox({ clock });
    base = await sandbox.listen();
  });
  afterEach(() => sandbox.close());

  async function mediaInfo(id: string) {
    const res = await fetch(`${base}/v23.0/${id}`, { headers: auth });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  it('when the bridge asks for a media id with the token, then it gets the info and can download the bytes', async () => {
    const id = sandbox.addMedia(jpeg, 'image/jpeg');
    const info = await mediaInfo(id);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      messaging_product: 'whatsapp',
      url: expect.stringMatching(new RegExp(`^${base}/media-download/${id}\\?expires=\\d+&sig=`)),
      mime_type: 'image/jpeg',
      sha256: createHash('sha256').update(jpeg).digest('hex'),
      file_size: jpeg.length,
      id,
    });

    const download = await fetch(info.body.url, { headers: auth });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(jpeg);
    expect(sandbox.stats).toMatchObject({ mediaInfo: 1, mediaDownloads: 1, unauthorized: 0 });
  });

  it('when the token is missing or wrong, then both the Graph call and the download answer 401 with error 190', async () => {
    const id = sandbox.addMedia(jpeg, 'image/jpeg');
    for (const headers of [{}, { Authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const res = await fetch(`${base}/v23.0/${id}`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { message: expect.any(String), type: 'OAuthException', code: 190, fbtrace_id: expect.any(String) },
      });
    }
    const { body } = await mediaInfo(id);
    const download = await fetch(body.url);
    expect(download.status).toBe(401);
    expect(sandbox.stats.unauthorized).toBe(3);
  });

  it('when the download URL is older than 5 minutes, then it is refused and a fresh one works', async () => {
    const id = sandbox.addMedia(jpeg, 'image/jpeg');
    const { body } = await mediaInfo(id);
    clock.advance(5 * 60 * 1000 + 1);
    const stale = await fetch(body.url, { headers: auth });
    expect(stale.status).toBe(403);
    expect(await stale.text()).toMatch(/expired/);

    const fresh = await mediaInfo(id);
    expect((await fetch(fresh.body.url, { headers: auth })).status).toBe(200);
  });

  it('when the download URL is tampered with (expiry extended), then it is refused', async () => {
    const id = sandbox.addMedia(jpeg, 'image/jpeg');
    const { body } = await mediaInfo(id);
    const url = new URL(body.url);
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3_600_000));
    expect((await fetch(url, { headers: auth })).status).toBe(403);
  });

  it('when the media id is unknown, then Graph error 100 / subcode 33 comes back with HTTP 400', async () => {
    const info = await mediaInfo('999');
    expect(info.status).toBe(400);
    expect(info.body).toEqual({
      error: {
        message: expect.stringContaining("Unsupported get request. Object with ID '999' does not exist"),
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
        fbtrace_id: expect.any(String),
      },
    });
  });

  it('when the media is older than 7 days, then its id no longer exists and even a fresh URL gives 404', async () => {
    const id = sandbox.addMedia(jpeg, 'image/jpeg');
    clock.advance(7 * 24 * 3600 * 1000 - 60_000);
    const { body } = await mediaInfo(id); // still alive, one minute to go
    clock.advance(120_000); // the URL is 2 minutes old (valid), the media 7 days + 1 minute
    expect((await fetch(body.url, { headers: auth })).status).toBe(404);
    const gone = await mediaInfo(id);
    expect(gone.status).toBe(400);
    expect(gone.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('when the media was deleted, then the id is gone', async () => {
    const id = sandbox.addMedia(jpeg, 'image/jpeg');
    const del = await fetch(`${base}/v23.0/${id}`, { method: 'DELETE', headers: auth });
    expect(await del.json()).toEqual({ success: true });
    expect((await mediaInfo(id)).status).toBe(400);
  });

  it('when a fault is injected, then the matching requests fail that many times and then succeed', async () => {
    const id = sandbox.addMedia(jpeg, 'image/jpeg');
    sandbox.faults.add({ path: /\/media-download\//, status: 500, times: 2 });
    sandbox.faults.add({ path: /\/v23\.0\//, status: 429, times: 1, headers: { 'Retry-After': '1' } });

    const limited = await fetch(`${base}/v23.0/${id}`, { headers: auth });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await limited.json()).error.code).toBe(4);

    const { body } = await mediaInfo(id);
    const failures = [await fetch(body.url, { headers: auth }), await fetch(body.url, { headers: auth })];
    expect(failures.map((r) => r.status)).toEqual([500, 500]);
    expect((await failures[0].json()).error).toMatchObject({ code: 2, is_transient: true });
    expect((await fetch(body.url, { headers: auth })).status).toBe(200);
    expect(sandbox.stats.faultsInjected).toBe(3);
  });

  it('when a connection-reset fault is injected, then the request fails at the network level', async () => {
    const id = sandbox.addMedia(jpeg, 'image/jpeg');
    sandbox.faults.add({ reset: true, times: 1 });
    await expect(fetch(`${base}/v23.0/${id}`, { headers: auth })).rejects.toThrow();
    expect((await mediaInfo(id)).status).toBe(200);
  });

  it('when a path is unknown, then a Graph error says so', async () => {
    const res = await fetch(`${base}/nope`, { headers: auth });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 2500, message: 'Unknown path components: /nope' });
  });
});

describe('WhatsApp Cloud API sandbox: the business phone number', () => {
  let sandbox: WhatsAppSandbox;
  let base: string;

  beforeEach(async () => {
    sandbox = createWhatsAppSandbox({ phoneNumberId: '100000000000007', displayPhoneNumber: '15550100007', verifiedName: 'Pizzeria Da Gino' });
    base = await sandbox.listen();
  });
  afterEach(() => sandbox.close());

  it('when the configured number is asked for with the token, then it answers its name, display number and quality', async () => {
    const res = await fetch(`${base}/v23.0/100000000000007`, { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ verified_name: 'Pizzeria Da Gino', display_phone_number: '+1 555-010-0007', quality_rating: 'GREEN', id: '100000000000007' });
  });

  it('when fields are named, then only those fields and the id come back, as doctor asks for them', async () => {
    const res = await fetch(`${base}/v23.0/100000000000007?fields=display_phone_number,verified_name`, { headers: auth });
    expect(await res.json()).toEqual({ verified_name: 'Pizzeria Da Gino', display_phone_number: '+1 555-010-0007', id: '100000000000007' });
  });

  it('when a field does not exist, then Graph error 100 says which', async () => {
    const res = await fetch(`${base}/v23.0/100000000000007?fields=display_phone_number,colour`, { headers: auth });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 100, message: expect.stringContaining('nonexisting field (colour)') });
  });

  it('when the token is wrong, then 401 with error 190', async () => {
    const res = await fetch(`${base}/v23.0/100000000000007`, { headers: { Authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe(190);
  });

  it('when another id is asked for, then it is unknown, and media ids still resolve', async () => {
    const other = await fetch(`${base}/v23.0/100000000000008`, { headers: auth });
    expect(other.status).toBe(400);
    expect((await other.json()).error).toMatchObject({ code: 100, error_subcode: 33 });
    const id = sandbox.addMedia(jpeg, 'image/jpeg');
    expect((await fetch(`${base}/v23.0/${id}`, { headers: auth })).status).toBe(200);
  });
});
