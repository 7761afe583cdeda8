/**
 * The Authorization header for each way an account can let the bridge in: an OAuth bearer
 * token, OAuth client credentials (a token fetched and refreshed here), or the legacy
 * email + API token.
 */
import type { ZendeskAuth } from '../config';
import type { Clock } from '../lib/clock';
import { ZendeskError } from './errors';

export interface AuthProvider {
  header(): Promise<string>;
  /** Forget a cached token (after a 401) so the next request gets a fresh one. */
  invalidate(): void;
  readonly kind: ZendeskAuth['kind'];
}

export function createAuthProvider(auth: ZendeskAuth, baseUrl: string, clock: Clock, fetchImpl: typeof fetch = fetch): AuthProvider {
  switch (auth.kind) {
    case 'bearer':
      return { kind: auth.kind, header: async () => `Bearer ${auth.token}`, invalidate: () => {} };
    case 'api-token': {
      const value = `Basic ${Buffer.from(`${auth.email}/token:${auth.token}`).toString('base64')}`;
      return { kind: auth.kind, header: async () => value, invalidate: () => {} };
    }
    case 'client-credentials': {
      let cached: { token: string; expiresAt: number } | null = null;
      let inFlight: Promise<string> | null = null;
      const fetchToken = async (): Promise<string> => {
        let res: Response;
        try {
          res = await fetchImpl(`${baseUrl}/oauth/tokens`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret, scope: 'read write' }),
          });
        } catch (cause) {
          throw new ZendeskError('transient', `Could not reach Zendesk to get an OAuth token: ${(cause as Error).message}`, null, null, null, { cause });
        }
        const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error_description?: string };
        if (!res.ok || !body.access_token) {
          throw new ZendeskError(
            res.status >= 500 ? 'transient' : 'auth',
            `Zendesk refused the OAuth client credentials (${res.status}${body.error_description ? `: ${body.error_description}` : ''}): check ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET`,
            res.status,
          );
        }
        const lifetimeMs = (body.expires_in ?? 3600) * 1000;
        // Refresh a minute early so a request never leaves with a token about to expire.
        cached = { token: body.access_token, expiresAt: clock.now() + Math.max(lifetimeMs - 60_000, lifetimeMs / 2) };
        return body.access_token;
      };
      return {
        kind: auth.kind,
        async header() {
          if (cached && cached.expiresAt > clock.now()) return `Bearer ${cached.token}`;
          inFlight ??= fetchToken().finally(() => (inFlight = null));
          return `Bearer ${await inFlight}`;
        },
        invalidate() {
          cached = null;
        },
      };
    }
  }
}
