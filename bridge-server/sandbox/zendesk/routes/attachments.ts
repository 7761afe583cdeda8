/**
 * The attachments' `content_url`: `GET /attachments/token/{token}/?name=…` answers the stored
 * bytes with their Content-Type. (Zendesk redirects to a signed storage URL; the sandbox serves
 * the bytes itself.)
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { findAttachmentByToken } from '../domain/uploads';
import { recordNotFound } from '../errors';

export function attachmentRoutes(ctx: SandboxContext): Router {
  const router = Router();
  router.get('/attachments/token/:token', (req, res) => {
    const attachment = findAttachmentByToken(ctx.state, req.params.token);
    if (!attachment) throw recordNotFound();
    res.attachment(attachment.file_name);
    res.set('Content-Type', attachment.content_type);
    res.send(attachment.data);
  });
  return router;
}
