/**
 * The sandbox's stand-in for Zendesk's apps proxy: the server side of `client.request` when the
 * app asks for `secure: true` (or `cors: false`). The browser sends the request with its
 * `{{setting.name}}` placeholders still in it; this router fills them from the installation's
 * settings held here (secure ones such as `bridgeApiKey` never reach the browser), performs the
 * HTTP request and answers with status, headers and body for the host (host.ts) to hand to the
 * SDK. Like Zendesk, only secure requests get placeholders filled, and secure settings only in
 * requests to the hosts of the app's `domainWhitelist` (here: the bridge's host, loopback).
 *
 * A secure value must never come back to the browser: the URL is checked as a template (with
 * the secure placeholders still unfilled, and never in the scheme or host), refusals quote that
 * template, and every secure value is redacted from messages and from the headers echoed back.
 *
 * Being a local tool, it refuses what a proxy on a developer's machine should not do: targets
 * other than http(s), hosts other than loopback unless listed in `allowedHosts`, and calls whose
 * Host header is not loopback (a page on another site rebinding its DNS name to 127.0.0.1).
 */
import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { ProxyAnswer } from './host';

export interface ProxyOptions {
  /** Non-secure settings (also visible to the browser through `metadata`). */
  settings: Record<string, unknown>;
  /** Secure settings: filled in here only. */
  secureSettings: Record<string, unknown>;
  /** Hosts (`name` or `name:port`) allowed besides loopback. */
  allowedHosts?: string[];
  /** Where relative URLs (`/api/v2/…`, the Zendesk API of the current account) go; refused when unset. */
  zendeskUrl?: string;
  /** Upstream time limit when the app gives none (default 30 s). */
  timeoutMs?: number;
  /**
   * Hosts (names, no port) that secure settings may be sent to, like the manifest's
   * `domainWhitelist` (default: loopback, where the sandbox's bridge runs). A function is read
   * on every request.
   */
  domainWhitelist?: string[] | (() => string[]);
}

export const proxyRequestSchema = z.object({
  url: z.string().min(1, 'url is empty'),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().nullable().default(null),
  secure: z.boolean().default(false),
  timeoutMs: z.number().int().positive().max(120_000).nullable().default(null),
});
export type ProxyRequest = z.infer<typeof proxyRequestSchema>;

export class ProxyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyRefusal';
  }
}

const PLACEHOLDER = /\{\{\s*setting\.([A-Za-z0-9_]+)\s*\}\}/g;

/** Fills `{{setting.name}}` from the settings; an unknown name is refused, never sent as is. */
export function fillPlaceholders(text: string, values: Record<string, unknown>): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    if (!(name in values) || values[name] === null || values[name] === undefined) {
      throw new ProxyRefusal(400, 'unknown_setting', `The request uses {{setting.${name}}} but the installation has no setting "${name}": add it to the installation's settings.`);
    }
    return String(values[name]);
  });
}

/** The setting names a text refers to. */
function placeholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

export const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function checkTarget(raw: string, options: Pick<ProxyOptions, 'allowedHosts' | 'zendeskUrl'>, quoted = raw): URL {
  let url: URL;
  if (raw.startsWith('/')) {
    if (!options.zendeskUrl) throw new ProxyRefusal(400, 'no_zendesk_api', `The request goes to ${quoted}, the Zendesk API, which this sandbox proxy does not reach: use an absolute URL or configure zendeskUrl.`);
    url = new URL(raw, options.zendeskUrl);
  } else {
    try {
      url = new URL(raw);
    } catch {
      throw new ProxyRefusal(400, 'invalid_url', `"${quoted}" is not a URL. If it holds {{setting.…}} placeholders, the request needs secure: true to have them filled.`);
    }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyRefusal(400, 'unsupported_protocol', `The proxy only makes http(s) requests, not ${url.protocol}`);
  }
  const allowed = (options.allowedHosts ?? []).map((host) => host.toLowerCase());
  if (!LOOPBACK.test(url.hostname) && !allowed.includes(url.hostname.toLowerCase()) && !allowed.includes(url.host.toLowerCase())) {
    throw new ProxyRefusal(403, 'host_not_allowed', `The sandbox proxy only reaches this machine; ${url.host} is not allowed. Add it to allowedHosts to allow it.`);
  }
  return url;
}

/**
 * The target of a secure request, checked before any secure value is filled in: public
 * settings are filled (their values are in the page anyway), each secure placeholder stands as
 * a marker that must not land in the scheme or the host. Refusals quote the template.
 */
function checkTemplate(template: string, options: ProxyOptions): URL {
  const marker = `zafsecure${randomBytes(4).toString('hex')}`;
  let index = 0;
  const marked = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (name in options.secureSettings) return `${marker}${index++}x`;
    return fillPlaceholders(whole, options.settings);
  });
  const authority = URL.canParse(marked) ? new URL(marked) : null;
  if (authority && `${authority.protocol}//${authority.username}:${authority.password}@${authority.host}`.toLowerCase().includes(marker)) {
    throw new ProxyRefusal(400, 'secure_setting_in_host', `The request URL "${template}" has a secure {{setting.…}} placeholder in its scheme or host: secure settings may only be used in the path, the query, headers and the body.`);
  }
  return checkTarget(marked, options, template);
}

const DROPPED_HEADERS = new Set(['connection', 'content-length', 'content-encoding', 'keep-alive', 'transfer-encoding', 'host']);
const REDACTED = '[secure setting]';

/** Performs one proxied request; network failures become a 502 like a gateway's. No secure value is ever in the answer's message or headers. */
export async function performProxyRequest(request: ProxyRequest, options: ProxyOptions): Promise<ProxyAnswer> {
  const secrets = Object.values(options.secureSettings)
    .filter((value) => value !== null && value !== undefined && String(value).length > 0)
    .map(String)
    .sort((a, b) => b.length - a.length);
  const redact = (text: string) => secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
  try {
    return await perform(request, options, redact);
  } catch (error) {
    if (error instanceof ProxyRefusal) throw new ProxyRefusal(error.status, error.code, redact(error.message));
    throw error;
  }
}

async function perform(request: ProxyRequest, options: ProxyOptions, redact: (text: string) => string): Promise<ProxyAnswer> {
  let url: URL;
  const values = { ...options.settings, ...options.secureSettings };
  const fill = (text: string) => (request.secure ? fillPlaceholders(text, values) : text);
  if (request.secure) {
    const template = checkTemplate(request.url, options);
    const usesSecure = [request.url, ...Object.values(request.headers), request.body ?? ''].some((text) => placeholderNames(text).some((name) => name in options.secureSettings));
    const listed = typeof options.domainWhitelist === 'function' ? options.domainWhitelist() : (options.domainWhitelist ?? LOOPBACK_NAMES);
    if (usesSecure && !listed.map((host) => host.toLowerCase()).includes(template.hostname.toLowerCase())) {
      throw new ProxyRefusal(403, 'domain_not_whitelisted', `The request sends a secure setting to ${template.hostname}, which is not in the app's domainWhitelist (${listed.join(', ') || 'empty'}): secure settings only go to the hosts listed there.`);
    }
    url = checkTarget(fill(request.url), options, request.url);
    if (url.origin !== template.origin) {
      throw new ProxyRefusal(400, 'secure_setting_in_host', `The request URL "${request.url}" changes its host once its settings are filled: secure settings may only be used in the path, the query, headers and the body.`);
    }
  } else {
    url = checkTarget(request.url, options);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name] = fill(value);
  }
  const body = request.body === null || request.method === 'GET' || request.method === 'HEAD' ? undefined : fill(request.body);
  const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? 30_000;
  let response: Response;
  try {
    response = await fetch(url, { method: request.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      status: timedOut ? 504 : 502,
      statusText: timedOut ? 'Gateway Timeout' : 'Bad Gateway',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      responseText: redact(timedOut ? `The apps proxy got no answer from ${url.host} within ${timeoutMs} ms.` : `The apps proxy could not reach ${url.host} (${cause}).`),
    };
  }
  const answerHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!DROPPED_HEADERS.has(name)) answerHeaders[name] = redact(value);
  });
  return { status: response.status, statusText: response.statusText, headers: answerHeaders, responseText: await response.text() };
}

/** The Host header names this machine (a DNS-rebinding page would send its own name). */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  try {
    return LOOPBACK.test(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

/** `POST /` with a `ProxyRequest`: 200 with the upstream answer, or 4xx with why the proxy refused. */
export function createProxyRouter(options: ProxyOptions): Router {
  const router = express.Router();
  router.post('/', (req, res, next) => {
    if (isLoopbackHostHeader(req.headers.host)) return next();
    res.status(403).json({ error: { code: 'host_header_not_allowed', message: `The sandbox apps proxy answers only pages served from this machine (localhost, 127.0.0.1); this request named the host "${req.headers.host ?? ''}". Open the console at http://127.0.0.1:<port>/ instead.` } });
  });
  router.post('/', express.json({ limit: '1mb' }), async (req, res) => {
    const parsed = proxyRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const where = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
      res.status(400).json({ error: { code: 'invalid_request', message: `The proxy request is malformed (${where}): send {url, method, headers, body, secure}.` } });
      return;
    }
    try {
      res.json(await performProxyRequest(parsed.data, options));
    } catch (error) {
      if (error instanceof ProxyRefusal) {
        res.status(error.status).json({ error: { code: error.code, message: error.message } });
        return;
      }
      throw error;
    }
  });
  return router;
}
