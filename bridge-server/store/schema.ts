/**
 * The store's tables as Kysely sees them. Plain types, shared by SQLite and PostgreSQL:
 * timestamps are integer milliseconds (or WhatsApp's Unix seconds where named `*_ts`),
 * structured payloads are JSON text.
 */
import type { Generated } from 'kysely';

export interface WebhookEventTable {
  id: Generated<number>;
  source: 'whatsapp' | 'zendesk';
  received_at: number;
  raw_body: string;
  /** pending: stored, not yet split into messages; split: done. */
  state: 'pending' | 'split';
  processed_at: number | null;
}

export interface DeadLetterTable {
  id: Generated<number>;
  event_id: number | null;
  source: string;
  path: string;
  reason: string;
  raw: string;
  created_at: number;
}

export interface CustomerTable {
  id: Generated<number>;
  /** Business-scoped user id (BSUID) when Meta sends one. */
  bsuid: string | null;
  /** wa_id exactly as WhatsApp last sent it (digits, no +): the address replies go to. */
  wa_id: string | null;
  profile_name: string | null;
  /** The business number (phone_number_id) the customer writes to. */
  phone_number_id: string;
  zendesk_user_id: number | null;
  /** The customer's running ticket and what the bridge last knew of it. */
  ticket_id: number | null;
  ticket_status: string | null;
  ticket_updated_at: string | null;
  /** Timestamp (Unix seconds) of the newest message already written to Zendesk. */
  last_written_ts: number | null;
  /** Timestamp (Unix seconds) of the customer's newest message: the 24-hour window. */
  last_inbound_ts: number | null;
  /** Backoff after a transient failure: no delivery before this time (ms). */
  retry_at: number | null;
  attempts: number;
  created_at: number;
  updated_at: number;
}

/** Every form under which a customer is known: `bsuid:<id>` or `wa:<canonical digits>`. */
export interface CustomerAliasTable {
  alias: string;
  customer_id: number;
}

export interface InboundMessageTable {
  /** Arrival order. */
  id: Generated<number>;
  /** The wamid: unique, the deduplication key. */
  message_id: string;
  customer_id: number;
  phone_number_id: string;
  /** WhatsApp's own timestamp, Unix seconds. */
  ts: number;
  type: string;
  /** The message as Meta sent it, plus the contact's profile, as JSON. */
  payload: string;
  state: 'pending' | 'sending' | 'delivered' | 'failed';
  delivery_id: string | null;
  /** Arrived after a later message of the customer had been written. */
  late: number;
  received_at: number;
  delivered_at: number | null;
  error: string | null;
}

export interface DeliveryTable {
  /** Random id; sent as Idempotency-Key and as audit metadata so a crash can be reconciled. */
  id: string;
  customer_id: number;
  /** create: a new ticket; update: a comment on ticket_id. */
  kind: 'create' | 'update';
  ticket_id: number | null;
  /** The exact Zendesk request body (replayed as is after a crash, for idempotency). */
  request: string;
  state: 'sending' | 'done' | 'abandoned';
  comment_id: number | null;
  created_at: number;
  finished_at: number | null;
}

export interface MediaTable {
  message_id: string;
  status: 'attached' | 'failed';
  upload_token: string | null;
  file_name: string | null;
  size: number | null;
  reason: string | null;
  detail: string | null;
  created_at: number;
}

export interface StatusEventTable {
  id: Generated<number>;
  /** The wamid of the outbound message. */
  message_id: string;
  status: string;
  ts: number;
  recipient: string | null;
  raw: string;
  received_at: number;
  /** The status's `biz_opaque_callback_data` (the bridge's `zd:<comment>:<part>` key), indexed (migration 005). */
  callback_data: string | null;
}

export interface TemplateEventTable {
  id: Generated<number>;
  field: string;
  waba_id: string | null;
  raw: string;
  received_at: number;
  /** Set once the template sync has applied the event (migration 003). */
  processed_at?: number | null;
}

/** One WhatsApp message of an agent's reply: a text part or an attachment, sent once. */
export interface OutboundMessageTable {
  id: Generated<number>;
  /** The Zendesk comment and the part of it (text parts first, then attachments): unique together. */
  comment_id: number;
  part: number;
  ticket_id: number;
  customer_id: number;
  phone_number_id: string;
  /** text, image, video, audio, document. */
  kind: string;
  /** JSON: `{text}` or the Zendesk attachment `{id, fileName, contentType, size, url}`. */
  body: string;
  /** Graph media id once the attachment is uploaded. */
  media_id: string | null;
  /** Meta's wamid once accepted. */
  wamid: string | null;
  /**
   * queued → sending → accepted → sent → delivered → read; failed (final); blocked (not sent:
   * window closed or an error that needs the agent); skipped (could not be sent, noted).
   */
  state: string;
  error_code: number | null;
  error: string | null;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  updated_at: number;
  /** Timestamp (Unix seconds) of the status that set `state`. */
  status_ts: number | null;
  /** When the Zendesk webhook that queued it arrived (ms; migration 004). */
  webhook_received_at: number | null;
  /** 1: sent again after an attempt whose outcome stayed unknown (migration 004). */
  resent_in_doubt: Generated<number>;
}

/** An internal note the bridge writes on a ticket, keyed so it is written once. */
export interface OutboundNoteTable {
  id: string;
  ticket_id: number;
  html_body: string;
  state: 'pending' | 'done' | 'failed';
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  finished_at: number | null;
}

export interface BridgeSettingTable {
  key: string;
  value: string;
  updated_at: number;
}

/** A message template of the WABA, as last synced from the Graph API (or updated by a webhook). */
export interface TemplateTable {
  /** Meta's template id. */
  id: string;
  waba_id: string;
  name: string;
  /** Meta's language code: en_US, it, pt_BR, zh_CN, … */
  language: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED, … */
  status: string;
  /** MARKETING, UTILITY, AUTHENTICATION. */
  category: string;
  /** POSITIONAL or NAMED. */
  parameter_format: string;
  /** The components as Meta returns them, as JSON. */
  components: string;
  /** GREEN, YELLOW, RED, UNKNOWN. */
  quality_score: string | null;
  rejected_reason: string | null;
  synced_at: number;
  updated_at: number;
}

/** A template sent from the app API to a ticket's customer. */
export interface TemplateSendTable {
  id: string;
  ticket_id: number;
  customer_id: number;
  idempotency_key: string | null;
  /** SHA-256 of name, language and values: a repeated key with other values is a conflict. */
  request_hash: string;
  template_id: string;
  name: string;
  language: string;
  /** The Graph API `template` object sent, as JSON. */
  payload: string;
  /** The text the customer sees (the ticket comment). */
  rendered: string;
  /**
   * sending → sent (accepted by Meta) | failed | in_doubt (no answer: the outcome is unknown) →
   * sent (a status carrying its callback data arrived) | failed (none within the grace period).
   * Delivery states come from status_events.
   */
  state: 'sending' | 'sent' | 'failed' | 'in_doubt';
  wamid: string | null;
  error_code: number | null;
  error: string | null;
  /** The public comment on the ticket: pending → done | failed. */
  comment_state: 'pending' | 'done' | 'failed';
  comment_id: number | null;
  agent_id: number | null;
  created_at: number;
  updated_at: number;
  /** Attempts at the public comment, and when the next one is due (ms; migration 004). */
  comment_attempts: Generated<number>;
  comment_next_at: number | null;
  /** When the send's outcome became unknown (ms; kept after it is settled; migration 006). */
  in_doubt_at: number | null;
  /** End of the comment attempt under way, in real time (epoch ms; migration 006). */
  comment_lease_until: number | null;
}

export interface Database {
  webhook_events: WebhookEventTable;
  dead_letters: DeadLetterTable;
  customers: CustomerTable;
  customer_aliases: CustomerAliasTable;
  inbound_messages: InboundMessageTable;
  deliveries: DeliveryTable;
  media: MediaTable;
  status_events: StatusEventTable;
  template_events: TemplateEventTable;
  templates: TemplateTable;
  template_sends: TemplateSendTable;
  outbound_messages: OutboundMessageTable;
  outbound_notes: OutboundNoteTable;
  bridge_settings: BridgeSettingTable;
}
