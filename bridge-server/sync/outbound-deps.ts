import type { Store } from '../store';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import type { ZendeskClient } from '../zendesk/client';
import type { WhatsAppSender } from '../whatsapp/messages';
import type { BridgeLocale } from '../i18n';
import type { OutboundPacer } from './outbound-pacer';

export interface OutboundSettings {
  locale: BridgeLocale;
  timeZone: string;
  /** Mark the customer's latest message read when an agent's reply is accepted. */
  markReadOnReply: boolean;
  /** Attempts before a retryable Graph error becomes a note. */
  maxAttempts: number;
  /** Comments older than this before the first webhook of a ticket are not sent (ms). */
  firstEventLookbackMs: number;
  zendeskUrl: string;
}

export interface OutboundDeps {
  db: Store;
  zendesk: ZendeskClient;
  zendeskAuthHeader(): Promise<string>;
  sender: WhatsAppSender;
  pacer: OutboundPacer;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  settings: OutboundSettings;
}

export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** WhatsApp's size limits by message type (bytes). */
export const MEDIA_LIMITS = { image: 5 * 1024 * 1024, video: 16 * 1024 * 1024, audio: 16 * 1024 * 1024, document: 100 * 1024 * 1024 } as const;
export type MediaKind = keyof typeof MEDIA_LIMITS;

/** The WhatsApp type an attachment is sent as, by its content type (within the size limit). */
export function mediaKindOf(contentType: string, size: number): MediaKind | null {
  const type = contentType.toLowerCase().split(';')[0].trim();
  let kind: MediaKind = 'document';
  if (type === 'image/jpeg' || type === 'image/png') kind = 'image';
  else if (type === 'video/mp4' || type === 'video/3gpp') kind = 'video';
  else if (['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'].includes(type)) kind = 'audio';
  if (size <= MEDIA_LIMITS[kind]) return kind;
  // Too big for its own type, but a document may be larger (a 8 MB photo goes as a file).
  return size <= MEDIA_LIMITS.document ? 'document' : null;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
