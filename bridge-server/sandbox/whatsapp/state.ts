/**
 * What the simulated WhatsApp Cloud API holds. Plain data, so tests can look inside
 * (`sandbox.state.media.get(id)`), and the customers of the sandbox console's phone with what
 * they wrote. `snapshot.ts` turns all of it (with the outbox and the templates) into JSON and
 * back, so a second `npm start` finds the first one's conversations.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Outbox } from './outbox';
import type { SandboxTemplate, SandboxTemplates } from './templates';

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

/** A customer of the console's phone: who writes to the business number. */
export interface SandboxCustomer {
  /** Digits, no `+` (Meta's `wa_id`). */
  waId: string;
  /** WhatsApp profile name, any script. */
  name: string;
  /** Clock time (ms). */
  createdAt: number;
}

/** A message a customer sent from the console's phone, as the phone remembers it. */
export interface CustomerMessage {
  wamid: string;
  waId: string;
  type: 'text' | 'image' | 'document' | 'location' | 'reaction';
  /** Clock time (ms) of the message (its webhook timestamp). */
  at: number;
  text?: string;
  caption?: string;
  mediaId?: string;
  fileName?: string;
  mimeType?: string;
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  /** The agent message reacted to; `emoji: ''` removed the reaction. */
  reaction?: { messageId: string; emoji: string };
  /** `delivered`: the bridge's webhook answered 200; `failed`: it did not (see `error`). */
  delivery: 'delivered' | 'failed';
  error?: string;
}

export class WhatsAppSandboxState {
  readonly media = new Map<string, StoredMedia>();
  /** Console customers by `waId`. */
  readonly customers = new Map<string, SandboxCustomer>();
  /** What console customers sent, oldest first. */
  readonly customerMessages: CustomerMessage[] = [];

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

/** What a snapshot covers: the state, the outbox and the templates. */
export interface WhatsAppParts {
  state: WhatsAppSandboxState;
  outbox: Outbox;
  templates: SandboxTemplates;
}

/**
 * A cheap number that changes whenever the sandbox's data may have changed (every Graph request,
 * status, customer message, media): the persistence loop saves when it moves.
 */
export function whatsappChangeMark({ state, outbox }: Pick<WhatsAppParts, 'state' | 'outbox'>, requests: number): string {
  return [requests, state.media.size, state.customers.size, state.customerMessages.length, outbox.sent.length, outbox.emitted.length, outbox.readReceipts.length, outbox.uploads.size].join('.');
}
