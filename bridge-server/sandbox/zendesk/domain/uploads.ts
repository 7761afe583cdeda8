/**
 * Uploads (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket-attachments/):
 * `POST /api/v2/uploads?filename=` stores one file and answers a token; passing `token=` adds
 * another file to the same upload. A comment's `uploads: [token]` attaches its files while the
 * token lives (60 minutes by the sandbox clock). The bytes stay in memory.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxContext } from '../context';
import { recordInvalid } from '../errors';
import { UPLOAD_TOKEN_TTL_MS } from '../options';
import { type AttachmentRecord, nextId, type UploadRecord, type ZendeskState } from '../state';

function randomToken(): string {
  return randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
}

function liveUpload(ctx: SandboxContext, token: string): UploadRecord | undefined {
  const upload = ctx.state.uploads.get(token);
  if (!upload) return undefined;
  if (upload.expires_at <= ctx.now()) {
    ctx.state.uploads.delete(token);
    return undefined;
  }
  return upload;
}

export interface NewFile {
  fileName: string;
  contentType: string;
  data: Buffer;
  /** Add to this existing upload instead of starting a new one. */
  token?: string;
}

export function storeUpload(ctx: SandboxContext, file: NewFile): UploadRecord {
  const existing = file.token ? liveUpload(ctx, file.token) : undefined;
  if (file.token && !existing) {
    throw recordInvalid({ token: [{ description: `Token: ${file.token} is invalid or has expired`, error: 'InvalidValue' }] });
  }
  const attachment: AttachmentRecord = {
    id: nextId(ctx.state, 'attachment'),
    token: randomToken(),
    file_name: file.fileName,
    content_type: file.contentType,
    size: file.data.length,
    data: file.data,
    created_at: ctx.isoNow(),
  };
  ctx.state.attachments.set(attachment.id, attachment);
  if (existing) {
    existing.attachment_ids.push(attachment.id);
    return existing;
  }
  const upload: UploadRecord = {
    token: randomToken(),
    attachment_ids: [attachment.id],
    expires_at: ctx.now() + UPLOAD_TOKEN_TTL_MS,
  };
  ctx.state.uploads.set(upload.token, upload);
  return upload;
}

/** The attachment ids behind comment `uploads`; 422 naming any unknown or expired token. */
export function resolveUploadTokens(ctx: SandboxContext, tokens: string[] | undefined): number[] {
  if (!tokens?.length) return [];
  const bad = tokens.filter((token) => !liveUpload(ctx, token));
  if (bad.length) {
    throw recordInvalid({
      uploads: bad.map((token) => ({
        description: `Uploads: token ${token} is invalid or has expired (tokens live 60 minutes); upload the file again`,
        error: 'InvalidValue',
      })),
    });
  }
  return tokens.flatMap((token) => ctx.state.uploads.get(token)?.attachment_ids ?? []);
}

/** Deletes an upload and its unattached files; false when the token is unknown. */
export function deleteUpload(ctx: SandboxContext, token: string, isAttached: (attachmentId: number) => boolean): boolean {
  const upload = ctx.state.uploads.get(token);
  if (!upload) return false;
  ctx.state.uploads.delete(token);
  for (const id of upload.attachment_ids) if (!isAttached(id)) ctx.state.attachments.delete(id);
  return true;
}

export function findAttachmentByToken(state: ZendeskState, token: string): AttachmentRecord | undefined {
  for (const attachment of state.attachments.values()) if (attachment.token === token) return attachment;
  return undefined;
}
