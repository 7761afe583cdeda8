/**
 * The sandbox's apps proxy keeps secure settings secret as Zendesk's does: a secure value never
 * comes back to the browser (not in a refusal, not in an echoed header), is only sent to the
 * hosts of the domainWhitelist, and the proxy refuses pages that reach it under a foreign name.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createProxyRouter, type ProxyOptions } from '../../../bridge-server/sandbox/zaf-host/proxy';

const SECRET = 'SECRET-bridge-key-7f3a9c';

describe('the sandbox apps proxy and secure settings', () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  const received: http.IncomingHttpHeaders[] = [];
  let proxy: http.Server;
  let proxyPort: number;

  const listen = (server: http.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  const start = async (options: Partial<ProxyOptions> = {}) => {
    const app = express();
    app.use('/zaf/proxy', createProxyRouter({ settings: { bridgeUrl: upstreamUrl }, secureSettings: { bridgeApiKey: SECRET }, ...options }));
    proxy = http.createServer(app);
    proxyPort = await listen(proxy);
  };

  beforeAll(async () => {
    // An upstream that echoes what it got, the way a careless server (or an error page) might.
    upstream = http.createServer((req, res) => {
      received.push(req.headers);
      res.setHeader('x-echo-authorization', String(req.headers.authorization ?? ''));
      res.end(JSON.stringify({ path: req.url }));
    });
    upstreamUrl = `http://127.0.0.1:${await listen(upstream)}`;
  });
  beforeEach(() => {
    received.length = 0;
  });
  afterEach(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  /** POST /zaf/proxy with a chosen Host header (fetch cannot set it); the raw answer text. */
  const ask = (request: unknown, host = `127.0.0.1:${proxyPort}`) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const body = JSON.stringify(request);
      const req = http.request({ host: '127.0.0.1', port: proxyPort, path: '/zaf/proxy', method: 'POST', headers: { host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('when the whole URL is a secure placeholder, then the refusal quotes the template, not the key', async () => {
    await start();
    const answer = await ask({ url: '{{setting.bridgeApiKey}}', secure: true });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain(SECRET);
    expect(JSON.parse(answer.text).error).toEqual({ code: 'invalid_url', message: expect.stringContaining('"{{setting.bridgeApiKey}}" is not a URL') });
  });

  it.each([
    ['in the host', 'http://a{{setting.bridgeApiKey}}.example/'],
    ['as the port', 'http://127.0.0.1:{{setting.bridgeApiKey}}/'],
    ['as the user', 'http://{{setting.bridgeApiKey}}@127.0.0.1/'],
  ])('when a secure placeholder stands %s, then it is refused without sending or showing the key', async (_where, url) => {
    await start({ allowedHosts: ['a.example'] });
    const answer = await ask({ url, secure: true });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain(SECRET);
    expect(JSON.parse(answer.text).error.message).toContain(url);
    expect(received).toEqual([]);
  });

  it('when a secure setting would go to a host outside the domainWhitelist, then nothing is sent', async () => {
    await start({ domainWhitelist: ['127.0.0.1'] });
    const port = new URL(upstreamUrl).port;
    const answer = await ask({ url: `http://localhost:${port}/api`, headers: { Authorization: 'Bearer {{setting.bridgeApiKey}}' }, secure: true });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text).error).toEqual({ code: 'domain_not_whitelisted', message: expect.stringContaining('localhost, which is not in the app\'s domainWhitelist (127.0.0.1)') });
    expect(received).toEqual([]);
    // A secure request without secure placeholders still goes there (only public values are filled).
    const plain = await ask({ url: `http://localhost:${port}/{{setting.bridgeUrl}}`, secure: true });
    expect(plain.status).toBe(200);
  });

  it('when the upstream echoes the key in a header, then the browser sees it redacted while the upstream got the real key', async () => {
    await start();
    const answer = await ask({ url: '{{setting.bridgeUrl}}/api/v1/x?k={{setting.bridgeApiKey}}', headers: { Authorization: 'Bearer {{setting.bridgeApiKey}}' }, secure: true });
    expect(answer.status).toBe(200);
    expect(received[0].authorization).toBe(`Bearer ${SECRET}`);
    const result = JSON.parse(answer.text) as { headers: Record<string, string>; responseText: string };
    expect(result.headers['x-echo-authorization']).toBe('Bearer [secure setting]');
    expect(JSON.parse(result.responseText).path).toBe(`/api/v1/x?k=${SECRET}`); // the body is the app's own server's answer, as in Zendesk
  });

  it('when a placeholder names a setting the installation lacks, then it is refused by name', async () => {
    await start();
    const answer = await ask({ url: '{{setting.bridgeUrl}}/x', headers: { 'x-other': '{{setting.nope}}' }, secure: true });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.message).toContain('no setting "nope"');
  });

  it.each(['evil.example', `evil.example:80`, 'rebound.attacker.test:3001'])('when the Host header is %s (DNS rebinding), then the proxy refuses before doing anything', async (host) => {
    await start();
    const answer = await ask({ url: '{{setting.bridgeUrl}}/api', headers: { Authorization: 'Bearer {{setting.bridgeApiKey}}' }, secure: true }, host);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text).error.code).toBe('host_header_not_allowed');
    expect(answer.text).not.toContain(SECRET);
    expect(received).toEqual([]);
  });

  it.each(['localhost', '127.0.0.1', '[::1]'])('when the Host header is the loopback name %s, then the request is served', async (name) => {
    await start();
    const answer = await ask({ url: '{{setting.bridgeUrl}}/api', secure: true }, `${name}:${proxyPort}`);
    expect(answer.status).toBe(200);
  });
});
