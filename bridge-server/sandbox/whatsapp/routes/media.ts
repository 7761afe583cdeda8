/**
 * Media, as the Cloud API serves it:
 *
 * - `GET /{version}/{media-id}` → `{messaging_product, url, mime_type, sha256, file_size, id}`;
 *   the url is short-lived (5 minutes by default) and needs the bearer token too. An unknown or
 *   expired (7 days) id → 400, Graph error 100 / subcode 33.
 * - `GET /media-download/{media-id}?expires=…&sig=…` → the bytes. Without a token → 401; an
 *   expired or altered URL → 403 (ask for a fresh URL); a deleted or expired file → 404.
 * - `DELETE /{version}/{media-id}` → `{success: true}`.
 */
import { Router, type Request, type Response } from 'express';
import { MEDIA_ID_TTL_MS } from '../defaults';
import type { SandboxContext } from '../context';
import { sendGraphError } from '../graph-error';
import type { StoredMedia } from '../state';

const VERSION = /^v\d+(\.\d+)?$/;

export const MEDIA_DOWNLOAD_PATH = '/media-download';

export function mediaRoutes(ctx: SandboxContext): Router {
  const router = Router();

  router.get(`${MEDIA_DOWNLOAD_PATH}/:mediaId`, (req: Request, res: Response) => {
    const mediaId = String(req.params.mediaId);
    const expiresAt = Number(req.query.expires);
    const signature = typeof req.query.sig === 'string' ? req.query.sig : '';
    if (!Number.isFinite(expiresAt) || !ctx.verifyMediaUrl(mediaId, expiresAt, signature)) {
      res.status(403).type('text/plain').send('URL signature mismatch');
      return;
    }
    if (ctx.clock.now() > expiresAt) {
      res.status(403).type('text/plain').send('URL signature expired');
      return;
    }
    const media = liveMedia(ctx, mediaId);
    if (!media) {
      res.status(404).type('text/plain').send('Not Found');
      return;
    }
    ctx.stats.mediaDownloads += 1;
    res.set({
      'Content-Type': media.mimeType,
      'Content-Length': String(media.fileSize),
      'Cache-Control': 'no-cache, no-store',
    });
    res.status(200).end(media.bytes);
  });

  router.get('/:version/:mediaId', (req: Request, res: Response, next) => {
    const { version, mediaId } = req.params as { version: string; mediaId: string };
    if (!VERSION.test(version)) return next();
    const media = liveMedia(ctx, mediaId);
    if (!media) return objectNotFound(res, mediaId, 'get');
    ctx.stats.mediaInfo += 1;
    const expiresAt = ctx.clock.now() + ctx.settings.mediaUrlTtlMs;
    const query = new URLSearchParams({ expires: String(expiresAt), sig: ctx.signMediaUrl(media.id, expiresAt) });
    res.json({
      messaging_product: 'whatsapp',
      url: `${baseUrl(req)}${MEDIA_DOWNLOAD_PATH}/${encodeURIComponent(media.id)}?${query}`,
      mime_type: media.mimeType,
      sha256: media.sha256,
      file_size: media.fileSize,
      id: media.id,
    });
  });

  router.delete('/:version/:mediaId', (req: Request, res: Response, next) => {
    const { version, mediaId } = req.params as { version: string; mediaId: string };
    if (!VERSION.test(version)) return next();
    const media = liveMedia(ctx, mediaId);
    if (!media) return objectNotFound(res, mediaId, 'delete');
    media.deleted = true;
    res.json({ success: true });
  });

  return router;
}

/** The media, unless unknown, deleted, or older than the 7 days Meta keeps it. */
function liveMedia(ctx: SandboxContext, mediaId: string): StoredMedia | null {
  const media = ctx.state.media.get(mediaId);
  if (!media || media.deleted) return null;
  if (ctx.clock.now() - media.createdAt > MEDIA_ID_TTL_MS) return null;
  return media;
}

function objectNotFound(res: Response, id: string, verb: 'get' | 'delete'): void {
  sendGraphError(res, 400, {
    message:
      `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing ` +
      'permissions, or does not support this operation. Please read the Graph API documentation at ' +
      'https://developers.facebook.com/docs/graph-api',
    type: 'GraphMethodException',
    code: 100,
    error_subcode: 33,
  });
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}
