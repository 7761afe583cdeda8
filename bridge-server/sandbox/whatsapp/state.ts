/**
 * What the simulated WhatsApp Cloud API holds. Plain data, so tests can look inside
 * (`sandbox.state.media.get(id)`). Sent messages, statuses and templates come later, next to it.
 */
import { createHash, randomInt } from 'node:crypto';

export interface StoredMedia {
  id: string;
  bytes: Buffer;
  mimeType: string;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  fileSize: number;
  fileName?: string;
  /** Clock time (ms) of the upload; the id expires 7 days later. */
  createdAt: number;
  /** Set by DELETE /{media-id}. */
  deleted?: boolean;
}

export interface AddMediaOptions {
  /** Choose the id (default: a random 16-digit id, like Meta's). */
  id?: string;
  fileName?: string;
  /** Clock time of the upload (default: now), to test the 7-day expiry. */
  createdAt?: number;
}

export class WhatsAppSandboxState {
  readonly media = new Map<string, StoredMedia>();

  addMedia(bytes: Buffer, mimeType: string, now: number, opts: AddMediaOptions = {}): StoredMedia {
    const id = opts.id ?? newNumericId(this.media);
    const stored: StoredMedia = {
      id,
      bytes,
      mimeType,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      fileSize: bytes.length,
      createdAt: opts.createdAt ?? now,
      ...(opts.fileName !== undefined ? { fileName: opts.fileName } : {}),
    };
    this.media.set(id, stored);
    return stored;
  }
}

/** A 16-digit id starting with 1, unused in `taken`. */
export function newNumericId(taken?: Map<string, unknown>): string {
  for (;;) {
    const id = `1${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    if (!taken?.has(id)) return id;
  }
}
