/**
 * `POST /oauth/tokens`, client-credentials grant for a confidential client
 * (https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/).
 * Tokens expire by the sandbox clock.
 */
import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import type { SandboxContext } from '../context';

/** Zendesk accepts a requested `expires_in` between 5 minutes and 2 days. */
const MIN_EXPIRES_IN = 300;
const MAX_EXPIRES_IN = 172_800;

export function oauthRoutes(ctx: SandboxContext): Router {
  const router = Router();
  router.post('/oauth/tokens', express.json(), express.urlencoded({ extended: false }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') {
      res.status(400).json({
        error: 'unsupported_grant_type',
        error_description: `The sandbox supports grant_type "client_credentials" only (got ${JSON.stringify(body.grant_type ?? null)}).`,
      });
      return;
    }
    const client = ctx.options.auth.oauthClients.find((c) => c.id === body.client_id && c.secret === body.client_secret);
    if (!client) {
      res.status(401).json({
        error: 'invalid_client',
        error_description:
          'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      });
      return;
    }
    const scope = typeof body.scope === 'string' && body.scope.trim() ? body.scope.trim() : 'read write';
    const requested = Number(body.expires_in);
    const expiresIn = Number.isFinite(requested) && requested > 0
      ? Math.min(MAX_EXPIRES_IN, Math.max(MIN_EXPIRES_IN, Math.floor(requested)))
      : ctx.options.oauthTokenTtlSeconds;
    const accessToken = randomBytes(32).toString('hex');
    ctx.state.oauthTokens.set(accessToken, {
      token: accessToken,
      client_id: client.id,
      scopes: scope.split(/\s+/),
      expires_at: ctx.now() + expiresIn * 1000,
    });
    res.status(200).json({ access_token: accessToken, token_type: 'bearer', scope, expires_in: expiresIn });
  });
  return router;
}
