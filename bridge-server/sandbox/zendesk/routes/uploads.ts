/**
 * `POST /api/v2/uploads?filename=…[&token=…]` with the raw file and its Content-Type, and
 * `DELETE /api/v2/uploads/{token}`. See `domain/uploads.ts` for the rules.
 */
import express, { Router } from 'express';
import type { SandboxContext } from '../context';
import { deleteUpload, storeUpload } from '../domain/uploads';
import { badRequest, recordNotFound } from '../errors';
import { MAX_UPLOAD_BYTES } from '../options';
import { baseUrlOf, presentUpload } from '../present';
import { queryString } from './request-helpers';

export function uploadRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const { state } = ctx;

  router.post('/', express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES }), (req, res) => {
    const fileName = queryString(req, 'filename')?.trim();
    if (!fileName) throw badRequest('InvalidParameter', 'Name the file with the `filename` query parameter, e.g. /api/v2/uploads?filename=photo.jpg.');
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const upload = storeUpload(ctx, {
      fileName,
      contentType: req.get('content-type')?.split(';')[0].trim() || 'application/octet-stream',
      data,
      token: queryString(req, 'token'),
    });
    res.status(201).json({ upload: presentUpload(upload, state, baseUrlOf(req)) });
  });

  router.delete('/:token', (req, res) => {
    const attached = (attachmentId: number) =>
      [...state.comments.values()].some((comments) => comments.some((c) => c.attachment_ids.includes(attachmentId)));
    if (!deleteUpload(ctx, req.params.token, attached)) throw recordNotFound();
    res.status(204).end();
  });

  return router;
}
