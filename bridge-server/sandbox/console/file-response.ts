/**
 * How the console hands out a stored file (a customer's WhatsApp media, a Zendesk attachment):
 * the bytes arrived from outside, so they must not run on the console's origin. Only image,
 * audio and video types a browser merely displays are shown inline; anything else (HTML, SVG,
 * XML, PDF, unknown) is a download. Every file is sent with `nosniff` and a Content-Security-Policy
 * that allows nothing and sandboxes the document, so even a mislabelled file cannot script.
 */
import type { Response } from 'express';

export interface StoredFile {
  bytes: Buffer;
  mimeType: string;
  fileName: string;
}

/** Types a browser displays without running anything; SVG (image/svg+xml) is not one of them. */
const SAFE_INLINE = /^(image\/(png|jpeg|gif|webp|bmp|avif)|audio\/(mpeg|mp4|aac|ogg|opus|amr|wav|webm)|video\/(mp4|3gpp|webm|ogg))$/;
/** A well-formed `type/subtype` (parameters allowed); anything else is sent as bytes. */
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"\r\n]*"|[a-z0-9!#$&^_.+-]+))*$/i;

export const FILE_CSP = "default-src 'none'; sandbox";

/** The header value; the ASCII `filename` has anything risky replaced, `filename*` keeps the real name (any script). */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  return `${kind}; filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function isSafeInline(mimeType: string): boolean {
  return SAFE_INLINE.test(mimeType.split(';')[0].trim().toLowerCase());
}

export function sendStoredFile(res: Response, file: StoredFile): void {
  const type = MEDIA_TYPE.test(file.mimeType.trim()) ? file.mimeType.trim() : 'application/octet-stream';
  res
    .set({
      'Content-Type': type,
      'Content-Disposition': contentDisposition(isSafeInline(type) ? 'inline' : 'attachment', file.fileName),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': FILE_CSP,
      'Cache-Control': 'no-store',
    })
    .send(file.bytes);
}
