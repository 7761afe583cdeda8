/**
 * Authentication of /api/v2 requests, as Zendesk does it
 * (https://developer.zendesk.com/api-reference/introduction/security-and-auth/):
 * `Authorization: Bearer <OAuth access token>` or legacy Basic `base64("{email}/token:{api_token}")`.
 * Every authenticated request acts as the built-in admin.
 *
 * OAuth scopes: `read` opens GET endpoints and `write` the others; `<resource>:read|write`
 * narrows that to one resource (`tickets`, `users`, `webhooks`, `triggers`).
 */
import type { RequestHandler, Response } from 'express';
import type { SandboxContext } from './context';
import { forbidden, unauthorized } from './errors';

export interface AuthenticatedCaller {
  userId: number;
  /** `null` for API-token and configured bearer tokens: full access. */
  scopes: string[] | null;
  method: 'bearer' | 'oauth' | 'api_token';
}

const CALLER = 'zendeskCaller';

export function callerOf(res: Response): AuthenticatedCaller {
  const caller = res.locals[CALLER] as AuthenticatedCaller | undefined;
  if (!caller) throw new Error('callerOf() used on a route that `authenticate` does not guard');
  return caller;
}

export function authenticate(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const caller = identify(ctx, req.get('authorization'));
    if (!caller) throw unauthorized();
    if (caller.scopes && !allows(caller.scopes, req.method, req.path)) throw forbidden();
    res.locals[CALLER] = caller;
    next();
  };
}

function identify(ctx: SandboxContext, header: string | undefined): AuthenticatedCaller | undefined {
  if (!header) return undefined;
  const [scheme, credentials = ''] = header.trim().split(/\s+/, 2);
  const userId = ctx.state.adminUserId;
  switch (scheme.toLowerCase()) {
    case 'bearer': {
      if (ctx.options.auth.bearerTokens.includes(credentials)) return { userId, scopes: null, method: 'bearer' };
      const token = ctx.state.oauthTokens.get(credentials);
      if (!token) return undefined;
      if (token.expires_at <= ctx.now()) {
        ctx.state.oauthTokens.delete(credentials);
        return undefined;
      }
      return { userId, scopes: token.scopes, method: 'oauth' };
    }
    case 'basic': {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return undefined;
      const username = decoded.slice(0, colon);
      const secret = decoded.slice(colon + 1);
      // Password auth is off on API accounts; only `{email}/token` usernames are accepted.
      if (!username.endsWith('/token')) return undefined;
      const email = username.slice(0, -'/token'.length).toLowerCase();
      const match = ctx.options.auth.apiTokens.some((t) => t.email.toLowerCase() === email && t.token === secret);
      return match ? { userId, scopes: null, method: 'api_token' } : undefined;
    }
    default:
      return undefined;
  }
}

/** The scope resource of an /api/v2 path (relative to the /api/v2 router). */
function resourceOf(path: string): string {
  const first = path.split('/').filter(Boolean)[0] ?? '';
  if (first === 'uploads' || first === 'job_statuses' || first === 'ticket_fields') return 'tickets';
  return first;
}

function allows(scopes: string[], method: string, path: string): boolean {
  const access = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  return scopes.includes(access) || scopes.includes(`${resourceOf(path)}:${access}`);
}
