/**
 * The simulated customer phone: builds webhook payloads shaped exactly like Meta's (field
 * names, timestamps as strings, wamid-like ids) and delivers them signed with the project's
 * own signer. The builders double as test fixtures:
 *
 *   const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
 *   const hello = giulia.text('ciao 👋');
 *   const photo = giulia.image({ id: sandbox.addMedia(jpeg, 'image/jpeg') }, { caption: 'lo scontrino' });
 *   await deliver(`${bridgeUrl}/webhooks/whatsapp`, envelope(SANDBOX_PHONE_NUMBER_ID, [hello, photo]), appSecret);
 *
 * Each builder returns one plain Meta message object; `envelope()` adds the matching
 * `contacts[]` entries (remembered per message, invisible in the JSON).
 */
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../lib/clock';
import { SIGNATURE_HEADER, signPayload } from '../../whatsapp/signature';
import { SANDBOX_DISPLAY_PHONE_NUMBER, SANDBOX_PHONE_NUMBER_ID, SANDBOX_WABA_ID } from './defaults';

/** A message as Meta puts it in `value.messages[]`. */
export interface PhoneMessage {
  id: string;
  type: string;
  timestamp: string;
  from?: string;
  from_user_id?: string;
  [field: string]: unknown;
}

/** A `value.contacts[]` entry. */
export interface PhoneContact {
  profile: { name?: string; username?: string };
  wa_id?: string;
  user_id?: string;
}

/** A `value.statuses[]` entry. */
export interface PhoneStatus {
  id: string;
  status: string;
  timestamp: string;
  recipient_id?: string;
  recipient_user_id?: string;
  [field: string]: unknown;
}

export interface MetaChange {
  field: string;
  value: Record<string, unknown>;
}

export interface MetaEnvelope {
  object: 'whatsapp_business_account';
  entry: { id: string; changes: MetaChange[] }[];
}

export interface CustomerOptions {
  /** Digits, no `+`. `null`/omitted: a BSUID-only customer (no `from`, no `wa_id`); `''`: empty `from`. */
  waId?: string | null;
  /** Profile name; omitted from `profile` when null. */
  name?: string | null;
  /** Business-scoped user id, e.g. `IT.1349120865530274191`. */
  userId?: string | null;
  username?: string | null;
  clock?: Clock;
}

export interface MessageOptions {
  id?: string;
  /** Unix seconds, or a Date; default: the clock's now. */
  timestamp?: number | Date;
  /** wamid of the message this one replies to. */
  replyTo?: string;
  /** `from` inside the reply context (default: the business number). */
  replyToFrom?: string;
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
  /** Click-to-WhatsApp ad the customer came from. */
  referral?: Record<string, unknown>;
  referredProduct?: { catalogId: string; productRetailerId: string };
  /** Message-level `errors[]`. */
  errors?: Record<string, unknown>[];
  /** Extra fields merged into the message (to test tolerance of unknown fields). */
  extra?: Record<string, unknown>;
}

/** A media id, or the id with the details the webhook carries. */
export type MediaRef = string | { id: string; mimeType?: string; sha256?: string };

export interface SharedContactCard {
  name?: { formatted_name?: string; first_name?: string; last_name?: string; [k: string]: unknown };
  phones?: { phone?: string; wa_id?: string; type?: string }[];
  emails?: { email?: string; type?: string }[];
  org?: { company?: string; department?: string; title?: string };
  urls?: { url?: string; type?: string }[];
  addresses?: Record<string, string>[];
  birthday?: string;
}

export interface OrderItem {
  productRetailerId: string;
  quantity: number;
  itemPrice: number;
  currency: string;
}

const senders = new WeakMap<object, PhoneContact>();

/** The contact entry `envelope()` will add for a message built by a SimulatedCustomer. */
export function contactOf(message: object): PhoneContact | undefined {
  return senders.get(message);
}

/** A wamid-like id: `wamid.` + base64 of a small binary blob, as Meta's are. */
export function newWamid(seed = ''): string {
  const body = Buffer.concat([Buffer.from([0x1c, 0x18, 0x0c]), Buffer.from(seed.slice(0, 20)), randomBytes(18)]);
  return `wamid.${body.toString('base64')}`;
}

export class SimulatedCustomer {
  waId: string | null;
  readonly name: string | null;
  readonly userId: string | null;
  readonly username: string | null;
  private readonly clock: Clock;

  constructor(options: CustomerOptions = {}) {
    this.waId = options.waId ?? null;
    this.name = options.name ?? null;
    this.userId = options.userId ?? null;
    this.username = options.username ?? null;
    this.clock = options.clock ?? systemClock;
    if (this.waId === null && this.userId === null) {
      throw new Error('A SimulatedCustomer needs a waId, a userId (BSUID), or both.');
    }
  }

  /** This customer's `contacts[]` entry. */
  contact(): PhoneContact {
    const profile: PhoneContact['profile'] = {};
    if (this.name !== null) profile.name = this.name;
    if (this.username !== null) profile.username = this.username;
    const contact: PhoneContact = { profile };
    if (this.waId !== null) contact.wa_id = this.waId;
    if (this.userId !== null) contact.user_id = this.userId;
    return contact;
  }

  text(body: string, opts?: MessageOptions): PhoneMessage {
    return this.build('text', { text: { body } }, opts);
  }

  image(media: MediaRef, opts?: MessageOptions & { caption?: string }): PhoneMessage {
    return this.build('image', { image: mediaBody(media, 'image/jpeg', { caption: opts?.caption }) }, opts);
  }

  video(media: MediaRef, opts?: MessageOptions & { caption?: string }): PhoneMessage {
    return this.build('video', { video: mediaBody(media, 'video/mp4', { caption: opts?.caption }) }, opts);
  }

  /** An audio file (`voice: false`). */
  audio(media: MediaRef, opts?: MessageOptions): PhoneMessage {
    return this.build('audio', { audio: mediaBody(media, 'audio/mpeg', { voice: false }) }, opts);
  }

  /** A voice note recorded in WhatsApp (`audio` with `voice: true`). */
  voice(media: MediaRef, opts?: MessageOptions): PhoneMessage {
    return this.build('audio', { audio: mediaBody(media, 'audio/ogg; codecs=opus', { voice: true }) }, opts);
  }

  document(media: MediaRef, opts: MessageOptions & { filename: string; caption?: string }): PhoneMessage {
    return this.build(
      'document',
      { document: mediaBody(media, 'application/pdf', { filename: opts.filename, caption: opts.caption }) },
      opts,
    );
  }

  sticker(media: MediaRef, opts?: MessageOptions & { animated?: boolean }): PhoneMessage {
    return this.build('sticker', { sticker: mediaBody(media, 'image/webp', { animated: opts?.animated ?? false }) }, opts);
  }

  location(
    location: { latitude: number; longitude: number; name?: string; address?: string; url?: string },
    opts?: MessageOptions,
  ): PhoneMessage {
    return this.build('location', { location: compact({ ...location }) }, opts);
  }

  /** Shares one or more contact cards. */
  contacts(cards: SharedContactCard[], opts?: MessageOptions): PhoneMessage {
    return this.build('contacts', { contacts: cards }, opts);
  }

  /** Taps a reply button of an interactive message. */
  buttonReply(id: string, title: string, opts?: MessageOptions): PhoneMessage {
    return this.build(
      'interactive',
      { interactive: { type: 'button_reply', button_reply: { id, title } } },
      { replyTo: newWamid(), ...opts },
    );
  }

  /** Picks a row of an interactive list. */
  listReply(id: string, title: string, description?: string, opts?: MessageOptions): PhoneMessage {
    return this.build(
      'interactive',
      { interactive: { type: 'list_reply', list_reply: compact({ id, title, description }) } },
      { replyTo: newWamid(), ...opts },
    );
  }

  /** Completes a WhatsApp Flow: `response_json` is the answers as a JSON string. */
  flowReply(
    answers: Record<string, unknown>,
    opts?: MessageOptions & { name?: string; body?: string; flowToken?: string },
  ): PhoneMessage {
    const response = { ...answers, flow_token: opts?.flowToken ?? 'unused' };
    return this.build(
      'interactive',
      {
        interactive: {
          type: 'nfm_reply',
          nfm_reply: { name: opts?.name ?? 'flow', body: opts?.body ?? 'Sent', response_json: JSON.stringify(response) },
        },
      },
      { replyTo: newWamid(), ...opts },
    );
  }

  /** Taps a quick-reply button of a template the business sent (`type: button`). */
  templateButton(text: string, payload: string, templateMessageId: string, opts?: MessageOptions): PhoneMessage {
    return this.build('button', { button: { payload, text } }, { replyTo: templateMessageId, ...opts });
  }

  /** Reacts to a message; `emoji: ''` removes the reaction (as Meta sends it). */
  reaction(messageId: string, emoji: string, opts?: MessageOptions): PhoneMessage {
    return this.build('reaction', { reaction: { message_id: messageId, emoji } }, opts);
  }

  /** Removes a reaction: Meta leaves `emoji` out. */
  removeReaction(messageId: string, opts?: MessageOptions): PhoneMessage {
    return this.build('reaction', { reaction: { message_id: messageId } }, opts);
  }

  order(order: { catalogId: string; items: OrderItem[]; text?: string }, opts?: MessageOptions): PhoneMessage {
    return this.build(
      'order',
      {
        order: compact({
          catalog_id: order.catalogId,
          text: order.text,
          product_items: order.items.map((item) => ({
            product_retailer_id: item.productRetailerId,
            quantity: item.quantity,
            item_price: item.itemPrice,
            currency: item.currency,
          })),
        }),
      },
      opts,
    );
  }

  /**
   * The `system` message Meta sends when the customer changes number. It has no contact; after
   * it, this customer sends from the new number.
   */
  changedNumber(newWaId: string, opts?: MessageOptions): PhoneMessage {
    const old = this.waId ?? '';
    const message = this.build(
      'system',
      {
        system: {
          body: `User ${this.name ?? old} changed from ${formatNumber(old)} to ${formatNumber(newWaId)}`,
          wa_id: newWaId,
          type: 'user_changed_number',
        },
      },
      opts,
      { withContact: false },
    );
    this.waId = newWaId;
    return message;
  }

  /**
   * A message WhatsApp does not deliver to the API (poll, edit, view-once…): `type: unsupported`
   * with error 131051. `code: 131052` simulates a file over the 100 MB limit.
   */
  unsupported(
    opts?: MessageOptions & { kind?: string; type?: 'unsupported' | 'unknown'; code?: number; details?: string },
  ): PhoneMessage {
    const code = opts?.code ?? 131051;
    const title = code === 131052 ? 'Media download error' : 'Message type unknown';
    return this.build(
      opts?.type ?? 'unsupported',
      opts?.kind ? { unsupported: { type: opts.kind } } : {},
      {
        errors: [
          {
            code,
            title,
            message: title,
            error_data: { details: opts?.details ?? (code === 131052 ? 'Media file too large' : 'Message type is currently not supported.') },
          },
        ],
        ...opts,
      },
    );
  }

  /** The customer deleted a message (numbers in coexistence with the Business app). */
  revoke(originalMessageId: string, opts?: MessageOptions): PhoneMessage {
    return this.build('revoke', { revoke: { original_message_id: originalMessageId } }, opts);
  }

  /** Any type, with any body: for types Meta may add tomorrow. */
  custom(type: string, body: Record<string, unknown> = {}, opts?: MessageOptions): PhoneMessage {
    return this.build(type, body, opts);
  }

  private build(
    type: string,
    body: Record<string, unknown>,
    opts: MessageOptions = {},
    { withContact = true }: { withContact?: boolean } = {},
  ): PhoneMessage {
    const message: PhoneMessage = {
      ...(this.waId !== null ? { from: this.waId } : {}),
      ...(this.userId !== null ? { from_user_id: this.userId } : {}),
      id: opts.id ?? newWamid(this.waId ?? this.userId ?? ''),
      timestamp: opts.timestamp !== undefined ? unixSeconds(opts.timestamp) : nowSeconds(this.clock),
      type,
    };
    const context = compact({
      from: opts.replyTo ? (opts.replyToFrom ?? SANDBOX_DISPLAY_PHONE_NUMBER) : undefined,
      id: opts.replyTo,
      forwarded: opts.forwarded,
      frequently_forwarded: opts.frequentlyForwarded,
      referred_product: opts.referredProduct
        ? { catalog_id: opts.referredProduct.catalogId, product_retailer_id: opts.referredProduct.productRetailerId }
        : undefined,
    });
    if (Object.keys(context).length > 0) message.context = context;
    if (opts.referral) message.referral = opts.referral;
    Object.assign(message, body);
    if (opts.errors) message.errors = opts.errors;
    if (opts.extra) Object.assign(message, opts.extra);
    if (withContact) senders.set(message, this.contact());
    return message;
  }
}

// ---------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------

export interface EnvelopeOptions {
  wabaId?: string;
  displayPhoneNumber?: string;
  statuses?: PhoneStatus[];
  /** Replace the contacts derived from the messages. */
  contacts?: PhoneContact[];
  /** Value-level `errors[]`. */
  errors?: Record<string, unknown>[];
}

/** The `value` of one `messages` change. */
export function messagesValue(
  phoneNumberId: string,
  messages: PhoneMessage[],
  opts: EnvelopeOptions = {},
): Record<string, unknown> {
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: opts.displayPhoneNumber ?? SANDBOX_DISPLAY_PHONE_NUMBER, phone_number_id: phoneNumberId },
  };
  const contacts = opts.contacts ?? uniqueContacts(messages);
  if (contacts.length > 0) value.contacts = contacts;
  if (messages.length > 0) value.messages = messages;
  if (opts.statuses && opts.statuses.length > 0) value.statuses = opts.statuses;
  if (opts.errors) value.errors = opts.errors;
  return value;
}

/** One POST with one entry and one `messages` change carrying these messages (and statuses). */
export function envelope(
  phoneNumberId: string = SANDBOX_PHONE_NUMBER_ID,
  messages: PhoneMessage[] = [],
  opts: EnvelopeOptions = {},
): MetaEnvelope {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: opts.wabaId ?? SANDBOX_WABA_ID,
        changes: [{ field: 'messages', value: messagesValue(phoneNumberId, messages, opts) }],
      },
    ],
  };
}

/** A POST carrying only delivery statuses. */
export function statusEnvelope(
  phoneNumberId: string,
  statuses: PhoneStatus[],
  opts: Omit<EnvelopeOptions, 'statuses'> = {},
): MetaEnvelope {
  return envelope(phoneNumberId, [], { ...opts, statuses });
}

/** A `statuses[]` entry about a message the business sent. */
export function statusUpdate(status: {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'played' | (string & {});
  recipientWaId?: string | null;
  recipientUserId?: string;
  timestamp?: number | Date;
  errors?: Record<string, unknown>[];
  bizOpaqueCallbackData?: string;
  pricing?: Record<string, unknown>;
  conversation?: Record<string, unknown>;
  clock?: Clock;
}): PhoneStatus {
  return compact({
    id: status.id,
    status: status.status,
    timestamp: status.timestamp !== undefined ? unixSeconds(status.timestamp) : nowSeconds(status.clock ?? systemClock),
    recipient_id: status.recipientWaId ?? undefined,
    recipient_user_id: status.recipientUserId,
    biz_opaque_callback_data: status.bizOpaqueCallbackData,
    conversation: status.conversation,
    pricing: status.pricing,
    errors: status.errors,
  }) as PhoneStatus;
}

/** A template webhook (`message_template_status_update`, `template_category_update`, …). */
export function templateEnvelope(
  field: 'message_template_status_update' | 'template_category_update' | 'message_template_quality_update' | (string & {}),
  value: Record<string, unknown>,
  opts: { wabaId?: string } = {},
): MetaEnvelope {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: opts.wabaId ?? SANDBOX_WABA_ID, changes: [{ field, value }] }],
  };
}

/**
 * Several envelopes as ONE POST, as Meta batches them: all entries in one list, or, with
 * `mergeEntries`, one entry per WABA holding all its changes.
 */
export function batch(envelopes: MetaEnvelope[], opts: { mergeEntries?: boolean } = {}): MetaEnvelope {
  const entries = envelopes.flatMap((e) => e.entry.map((entry) => ({ id: entry.id, changes: [...entry.changes] })));
  if (!opts.mergeEntries) return { object: 'whatsapp_business_account', entry: entries };
  const byWaba = new Map<string, { id: string; changes: MetaChange[] }>();
  for (const entry of entries) {
    const merged = byWaba.get(entry.id);
    if (merged) merged.changes.push(...entry.changes);
    else byWaba.set(entry.id, entry);
  }
  return { object: 'whatsapp_business_account', entry: [...byWaba.values()] };
}

// ---------------------------------------------------------------------------------------------
// Delivery
// ---------------------------------------------------------------------------------------------

export interface DeliverOptions {
  /** Escape `/` and non-ASCII like Meta does (default true): a re-serialised body then differs. */
  metaEscaping?: boolean;
  /** Override the signature header; `null` sends none. */
  signature?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * The exact bytes Meta would send. Meta's JSON escapes `/` as `\/` and non-ASCII characters as
 * `\uXXXX`; verifying a re-serialised body instead of these bytes fails, as it does in production.
 */
export function serializeEnvelope(payload: unknown, { metaEscaping = true }: { metaEscaping?: boolean } = {}): Buffer {
  if (Buffer.isBuffer(payload)) return payload;
  const json = typeof payload === 'string' ? payload : JSON.stringify(payload);
  if (!metaEscaping || typeof payload === 'string') return Buffer.from(json, 'utf8');
  return Buffer.from(
    json.replace(/\//g, '\\/').replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    'utf8',
  );
}

/** Body and headers of a signed webhook POST (for in-process requests and benchmarks). */
export function signedRequest(
  payload: unknown,
  appSecret: string,
  opts: Omit<DeliverOptions, 'signal'> = {},
): { body: Buffer; headers: Record<string, string> } {
  const body = serializeEnvelope(payload, opts);
  const signature = opts.signature === undefined ? signPayload(body, appSecret) : opts.signature;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'facebookexternalua',
    ...(signature !== null ? { [SIGNATURE_HEADER]: signature } : {}),
    ...opts.headers,
  };
  return { body, headers };
}

/** POSTs the envelope to the bridge's webhook URL, signed with `appSecret`, as Meta does. */
export function deliver(
  webhookUrl: string,
  payload: MetaEnvelope | unknown,
  appSecret: string,
  opts: DeliverOptions = {},
): Promise<Response> {
  const { body, headers } = signedRequest(payload, appSecret, opts);
  // A copy typed as Uint8Array<ArrayBuffer>, which the DOM typing of fetch wants.
  return fetch(webhookUrl, { method: 'POST', headers, body: new Uint8Array(body), signal: opts.signal });
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function mediaBody(media: MediaRef, defaultMime: string, extra: Record<string, unknown>): Record<string, unknown> {
  const ref = typeof media === 'string' ? { id: media } : media;
  return compact({
    id: ref.id,
    mime_type: ref.mimeType ?? defaultMime,
    sha256: ref.sha256 ?? randomBytes(32).toString('base64'),
    ...extra,
  });
}

function uniqueContacts(messages: PhoneMessage[]): PhoneContact[] {
  const seen = new Map<string, PhoneContact>();
  for (const message of messages) {
    const contact = senders.get(message);
    if (!contact) continue;
    const key = `${contact.wa_id ?? ''}|${contact.user_id ?? ''}`;
    if (!seen.has(key)) seen.set(key, contact);
  }
  return [...seen.values()];
}

/** Meta's timestamp: Unix seconds as a string. A number given by the caller is in seconds. */
function unixSeconds(time: number | Date): string {
  return String(Math.floor(time instanceof Date ? time.getTime() / 1000 : time));
}

function nowSeconds(clock: Clock): string {
  return String(Math.floor(clock.now() / 1000));
}

function formatNumber(digits: string): string {
  return digits ? `+${digits}` : 'an unknown number';
}

function compact<T extends Record<string, unknown>>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}
