/**
 * How inbound WhatsApp messages read to an agent in a Zendesk comment.
 *
 * Several waiting messages of one customer become ONE comment (Zendesk limits updates per
 * ticket): each message as its own paragraph headed by its time, in the order given; media
 * files are attached to the comment and named here, with a plain-words line when a file could
 * not be attached. The HTML body escapes every character the customer typed (nothing they send
 * can inject markup into Zendesk) and isolates right-to-left text in <bdi>; the plain body says
 * the same thing. User text is never normalised: emoji, CJK and Arabic survive byte for byte.
 *
 * Every word the bridge adds comes from bridge-server/i18n (one JSON per locale).
 */
import { intlLocale, resolveLocale, translator, type BridgeLocale, type Translate } from '../i18n';
import {
  isKnownMessage,
  type KnownWhatsAppMessage,
  type SharedContact,
  type WhatsAppError,
  type WhatsAppMessage,
} from '../whatsapp/webhook-payload';

export interface RenderableMessage {
  messageId: string;
  /** Unix seconds. */
  timestamp: number;
  type: string;
  message: WhatsAppMessage;
  /** Arrived after later messages were already written to the ticket. */
  late?: boolean;
}

export type MediaFailureReason = 'download-failed' | 'too-large' | 'expired' | 'not-found';

export type MediaOutcome =
  | { messageId: string; status: 'attached'; fileName: string; size: number }
  | {
      messageId: string;
      status: 'failed';
      reason: MediaFailureReason;
      /** Technical detail for the agent, e.g. "HTTP 500 from WhatsApp". */
      detail?: string;
      fileName?: string;
      /** Size of the file, when known. */
      size?: number;
      /** The limit that was exceeded (too-large); defaults to Zendesk's 50 MB attachment limit. */
      limitBytes?: number;
    };

export type MediaKind = 'image' | 'video' | 'audio' | 'voice' | 'document' | 'sticker';

export interface MediaInfo {
  mediaId: string;
  mimeType: string;
  fileName: string;
  caption?: string;
  kind: MediaKind;
}

export interface RenderOptions {
  locale: BridgeLocale;
  /** IANA time zone for the times shown; default UTC. */
  timeZone?: string;
  /** wamid → short text of the replied-to / reacted-to / deleted message, when known. */
  quoted?: Map<string, string>;
}

/** Zendesk's default attachment size limit. */
export const DEFAULT_ATTACHMENT_LIMIT_BYTES = 50 * 1024 * 1024;

const SUBJECT_MAX_GRAPHEMES = 80;

// ---------------------------------------------------------------------------------------------
// A tiny inline model, rendered twice (HTML and plain)
// ---------------------------------------------------------------------------------------------

/** Text the bridge wrote (string), text the customer wrote, a link, or bold. */
type Inline = string | { user: string } | { link: string } | { strong: Inline } | Inline[];

interface Block {
  head: Inline;
  lines: Inline[];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/g;
const NEWLINE = /\r\n|\r|\n/g;
/** Hebrew, Arabic, Syriac, Thaana, N'Ko, … and their presentation forms. */
const RTL_CHAR = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

function escapeHtml(text: string): string {
  return text.replace(NEEDS_ESCAPE, (c) => HTML_ESCAPES[c]);
}

function toHtml(node: Inline): string {
  if (typeof node === 'string') return escapeHtml(node).replace(NEWLINE, '<br>');
  if (Array.isArray(node)) return node.map(toHtml).join('');
  if ('user' in node) {
    const html = escapeHtml(node.user).replace(NEWLINE, '<br>');
    return RTL_CHAR.test(node.user) ? `<bdi dir="auto">${html}</bdi>` : html;
  }
  if ('link' in node) {
    const href = escapeHtml(node.link);
    return `<a href="${href}" rel="noopener noreferrer" target="_blank">${href}</a>`;
  }
  return `<strong>${toHtml(node.strong)}</strong>`;
}

function toPlain(node: Inline): string {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(toPlain).join('');
  if ('user' in node) return node.user;
  if ('link' in node) return node.link;
  return toPlain(node.strong);
}

/** A translated sentence whose placeholders may hold user text, links or bold parts. */
function phrase(t: Translate, key: string, vars: Record<string, Inline | number> = {}): Inline {
  const names = Object.keys(vars);
  const tokens: Record<string, string> = {};
  names.forEach((name, i) => (tokens[name] = `\u0000${i}\u0000`));
  const text = t(key, tokens);
  const parts: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(/\u0000(\d+)\u0000/g)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    const value = vars[names[Number(match[1])]];
    parts.push(typeof value === 'number' ? String(value) : value);
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * One Zendesk comment for the given messages (in the order given). `media` holds what happened
 * to each message's file, keyed by message id; a message without an entry is shown without an
 * attachment note.
 */
export function renderComment(
  messages: RenderableMessage[],
  media: Map<string, MediaOutcome>,
  opts: RenderOptions,
): { htmlBody: string; plainBody: string } {
  // resolveLocale: a raw tag such as 'pt-BR' from a caller still renders (never throw here).
  const locale = resolveLocale(opts.locale);
  const t = translator(locale);
  const ctx: RenderContext = {
    t,
    intl: intlLocale(locale),
    quoted: opts.quoted ?? new Map(),
    media,
    formatTime: timeFormatter(locale, opts.timeZone ?? 'UTC', messages.map((m) => m.timestamp)),
  };
  const blocks = messages.map((m) => renderMessage(m, ctx));
  return {
    htmlBody: blocks.map((b) => `<p>${[b.head, ...b.lines].map(toHtml).join('<br>')}</p>`).join('\n'),
    plainBody: blocks.map((b) => [b.head, ...b.lines].map(toPlain).join('\n')).join('\n\n'),
  };
}

/** The file a message carries, or null. */
export function mediaOf(message: WhatsAppMessage): MediaInfo | null {
  if (!isKnownMessage(message)) return null;
  switch (message.type) {
    case 'image':
      return media('image', message.image, message.image.caption);
    case 'video':
      return media('video', message.video, message.video.caption);
    case 'audio':
      return media(message.audio.voice ? 'voice' : 'audio', message.audio);
    case 'document':
      return media('document', message.document, message.document.caption, message.document.filename);
    case 'sticker':
      return media('sticker', message.sticker);
    default:
      return null;
  }
}

/**
 * A ticket subject from the first message: its text (or caption, or the option chosen) on one
 * line, cut at about 80 characters on a word boundary; else "WhatsApp: <type>".
 */
export function subjectFor(message: RenderableMessage, locale: BridgeLocale): string {
  const t = translator(resolveLocale(locale));
  const text = subjectText(message.message);
  const line = text?.replace(/\s+/g, ' ').trim();
  if (line) return truncate(line, SUBJECT_MAX_GRAPHEMES);
  return t('subject.typed', { type: typeLabel(message.message, t) });
}

// ---------------------------------------------------------------------------------------------
// One message
// ---------------------------------------------------------------------------------------------

interface RenderContext {
  t: Translate;
  intl: string;
  quoted: Map<string, string>;
  media: Map<string, MediaOutcome>;
  formatTime: (unixSeconds: number) => string;
}

function renderMessage(item: RenderableMessage, ctx: RenderContext): Block {
  const { t } = ctx;
  const message = item.message;
  const time = ctx.formatTime(item.timestamp);
  const head: Inline[] = [item.late ? phrase(t, 'comment.late', { time: { strong: time } }) : { strong: time }];
  if (message.context?.frequently_forwarded) head.push(' · ', t('comment.frequentlyForwarded'));
  else if (message.context?.forwarded) head.push(' · ', t('comment.forwarded'));

  const lines: Inline[] = [...referralLines(message, ctx), ...contextLines(message, ctx), ...bodyLines(item, ctx)];

  if (message.type !== 'unsupported' && message.type !== 'unknown') {
    for (const error of message.errors ?? []) {
      lines.push(phrase(t, 'comment.messageError', { detail: { user: describeError(error) } }));
    }
  }
  return { head, lines };
}

function referralLines(message: WhatsAppMessage, { t }: RenderContext): Inline[] {
  const referral = message.referral;
  if (!referral) return [];
  const lines: Inline[] = [
    referral.headline
      ? phrase(t, 'comment.referralHeadline', { headline: { user: referral.headline } })
      : t('comment.referral'),
  ];
  if (referral.body) lines.push({ user: referral.body });
  if (referral.source_url) lines.push(linkOrText(referral.source_url));
  return lines;
}

function contextLines(message: WhatsAppMessage, { t, quoted }: RenderContext): Inline[] {
  const context = message.context;
  if (!context) return [];
  const lines: Inline[] = [];
  if (context.id && message.type !== 'reaction') {
    const quote = quoted.get(context.id);
    if (quote !== undefined) lines.push(phrase(t, 'comment.replyQuoted', { quote: { user: quote } }));
    // A button tap or list choice always points at the business's own prompt: without that
    // prompt's text, a bare message id would be noise.
    else if (message.type !== 'button' && message.type !== 'interactive') {
      lines.push(phrase(t, 'comment.replyId', { id: context.id }));
    }
  }
  const product = context.referred_product;
  if (product?.product_retailer_id) {
    lines.push(
      phrase(t, 'comment.referredProduct', {
        product: { user: product.product_retailer_id },
        catalog: { user: product.catalog_id ?? '?' },
      }),
    );
  }
  return lines;
}

function bodyLines(item: RenderableMessage, ctx: RenderContext): Inline[] {
  const { t } = ctx;
  const message = item.message;
  if (!isKnownMessage(message)) return [phrase(t, 'unsupported.type', { type: { user: message.type } })];

  switch (message.type) {
    case 'text':
      return [{ user: message.text.body }];
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return mediaLines(message, item.messageId, ctx);
    case 'location':
      return locationLines(message.location, ctx);
    case 'contacts':
      return message.contacts.flatMap((contact) => sharedContactLines(contact, ctx));
    case 'interactive':
      return interactiveLines(message, ctx);
    case 'button':
      return [phrase(t, 'reply.button', { title: { user: message.button.text } })];
    case 'reaction':
      return [reactionLine(message.reaction, ctx)];
    case 'order':
      return orderLines(message.order, ctx);
    case 'system':
      return [systemLine(message.system, ctx)];
    case 'unsupported':
    case 'unknown':
      return unsupportedLines(message, ctx);
    case 'revoke': {
      const quote = ctx.quoted.get(message.revoke.original_message_id);
      return [quote !== undefined ? phrase(t, 'revoke.quoted', { quote: { user: quote } }) : t('revoke.plain')];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Per type
// ---------------------------------------------------------------------------------------------

const MEDIA_ICONS: Record<MediaKind, string> = {
  image: '🖼',
  video: '🎬',
  audio: '🎵',
  voice: '🎤',
  document: '📄',
  sticker: '🏷',
};

function mediaLines(message: KnownWhatsAppMessage, messageId: string, ctx: RenderContext): Inline[] {
  const { t } = ctx;
  const info = mediaOf(message);
  if (!info) return [];
  const animated = message.type === 'sticker' && message.sticker.animated === true;
  const kind = animated ? t('media.kind.animatedSticker') : t(`media.kind.${info.kind}`);
  const outcome = ctx.media.get(messageId);
  const icon = `${MEDIA_ICONS[info.kind]} `;
  const caption: Inline[] = info.caption ? [{ user: info.caption }] : [];

  if (outcome?.status === 'attached') {
    const size = formatBytes(outcome.size, ctx.intl);
    return [[icon, phrase(t, 'media.attached', { kind, fileName: { user: outcome.fileName }, size })], ...caption];
  }
  if (outcome?.status !== 'failed') {
    return [[icon, phrase(t, 'media.notAttached', { kind, fileName: { user: info.fileName } })], ...caption];
  }
  // File line, the customer's caption, then what went wrong and what to do.
  const what = t(`media.the.${info.kind}`);
  const limit = formatBytes(outcome.limitBytes ?? DEFAULT_ATTACHMENT_LIMIT_BYTES, ctx.intl);
  return [
    [icon, phrase(t, 'media.failedFile', { kind, fileName: { user: outcome.fileName ?? info.fileName } })],
    ...caption,
    outcome.reason === 'too-large'
      ? phrase(t, 'media.failed.too-large', { what, limit })
      : phrase(t, `media.failed.${outcome.reason}`, { what }),
    ...(outcome.detail ? [phrase(t, 'media.failed.detail', { detail: { user: outcome.detail } })] : []),
  ];
}

function locationLines(
  location: { latitude: number; longitude: number; name?: string; address?: string; url?: string },
  { t }: RenderContext,
): Inline[] {
  const lines: Inline[] = [
    location.name ? phrase(t, 'location.titleNamed', { name: { user: location.name } }) : t('location.title'),
  ];
  if (location.address) lines.push({ user: location.address });
  if (Number.isFinite(location.latitude) && Number.isFinite(location.longitude)) {
    const q = `${location.latitude},${location.longitude}`;
    lines.push(`${location.latitude}, ${location.longitude}`);
    lines.push(phrase(t, 'location.map', { url: { link: `https://www.google.com/maps?q=${q}` } }));
  }
  if (location.url) lines.push(phrase(t, 'location.link', { url: linkOrText(location.url) }));
  return lines;
}

function sharedContactLines(contact: SharedContact, { t }: RenderContext): Inline[] {
  const name = contact.name;
  const fullName =
    nonBlank(name?.formatted_name) ??
    nonBlank([name?.prefix, name?.first_name, name?.middle_name, name?.last_name, name?.suffix].filter(Boolean).join(' '));
  const lines: Inline[] = [
    fullName ? phrase(t, 'contacts.title', { name: { user: fullName } }) : t('contacts.titleUnnamed'),
  ];
  for (const phone of contact.phones ?? []) {
    const number = nonBlank(phone.phone) ?? (phone.wa_id ? `+${phone.wa_id}` : null);
    if (number) lines.push(phrase(t, 'contacts.phone', { phone: withType(number, phone.type) }));
  }
  for (const email of contact.emails ?? []) {
    if (nonBlank(email.email)) lines.push(phrase(t, 'contacts.email', { email: withType(email.email!, email.type) }));
  }
  const org = [contact.org?.company, contact.org?.department, contact.org?.title].filter(nonBlank).join(' · ');
  if (org) lines.push(phrase(t, 'contacts.org', { org: { user: org } }));
  for (const url of contact.urls ?? []) {
    if (nonBlank(url.url)) lines.push(phrase(t, 'contacts.url', { url: linkOrText(url.url!) }));
  }
  for (const address of contact.addresses ?? []) {
    const text = [address.street, address.city, [address.state, address.zip].filter(nonBlank).join(' '), address.country]
      .filter(nonBlank)
      .join(', ');
    if (text) lines.push(phrase(t, 'contacts.address', { address: withType(text, address.type) }));
  }
  if (nonBlank(contact.birthday)) lines.push(phrase(t, 'contacts.birthday', { birthday: { user: contact.birthday! } }));
  return lines;
}

function interactiveLines(message: Extract<KnownWhatsAppMessage, { type: 'interactive' }>, { t }: RenderContext): Inline[] {
  const interactive = message.interactive;
  if (interactive.type === 'button_reply' && interactive.button_reply) {
    return [phrase(t, 'reply.button', { title: { user: interactive.button_reply.title } })];
  }
  if (interactive.type === 'list_reply' && interactive.list_reply) {
    const lines: Inline[] = [phrase(t, 'reply.list', { title: { user: interactive.list_reply.title } })];
    if (interactive.list_reply.description) lines.push({ user: interactive.list_reply.description });
    return lines;
  }
  if (interactive.type === 'nfm_reply' && interactive.nfm_reply) {
    const reply = interactive.nfm_reply;
    // Meta names most flow replies just "flow": only a real name is worth showing.
    const name = nonBlank(reply.name) && reply.name !== 'flow' ? reply.name! : null;
    const title = name ? phrase(t, 'reply.flow', { name: { user: name } }) : t('reply.flowUnnamed');
    const fields = parseFlowResponse(reply.response_json);
    if (fields === 'unreadable') return [t('reply.flowUnreadable'), { user: reply.response_json ?? '' }];
    const lines: Inline[] = [title];
    for (const [key, value] of fields) lines.push({ user: `${key}: ${value}` });
    if (fields.length === 0 && nonBlank(reply.body)) lines.push({ user: reply.body! });
    return lines;
  }
  return [phrase(t, 'unsupported.type', { type: { user: `interactive/${interactive.type}` } })];
}

/** `[key, value]` lines of a flow's response_json (without the flow token), or 'unreadable'. */
function parseFlowResponse(json: string | undefined): [string, string][] | 'unreadable' {
  if (json === undefined || json.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return 'unreadable';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'unreadable';
  return Object.entries(parsed as Record<string, unknown>)
    .filter(([key]) => key !== 'flow_token')
    .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
}

function reactionLine(reaction: { message_id: string; emoji?: string | null }, { t, quoted }: RenderContext): Inline {
  const quote = quoted.get(reaction.message_id);
  const emoji = nonBlank(reaction.emoji);
  if (emoji) {
    return quote !== undefined
      ? phrase(t, 'reaction.added', { emoji: { user: emoji }, quote: { user: quote } })
      : phrase(t, 'reaction.addedId', { emoji: { user: emoji }, id: reaction.message_id });
  }
  return quote !== undefined
    ? phrase(t, 'reaction.removed', { quote: { user: quote } })
    : phrase(t, 'reaction.removedId', { id: reaction.message_id });
}

function orderLines(
  order: Extract<KnownWhatsAppMessage, { type: 'order' }>['order'],
  { t, intl }: RenderContext,
): Inline[] {
  const lines: Inline[] = [
    order.catalog_id ? phrase(t, 'order.title', { catalog: { user: order.catalog_id } }) : t('order.titleNoCatalog'),
  ];
  if (nonBlank(order.text)) lines.push({ user: order.text! });
  const totals = new Map<string, number>();
  let totalsKnown = true;
  for (const item of order.product_items) {
    const quantity = Number(item.quantity);
    const price = Number(item.item_price);
    lines.push(
      phrase(t, 'order.item', {
        quantity: Number.isFinite(quantity) ? formatNumber(quantity, intl) : { user: String(item.quantity) },
        product: { user: item.product_retailer_id },
        price: Number.isFinite(price) ? formatMoney(price, item.currency, intl) : { user: `${item.item_price} ${item.currency}` },
      }),
    );
    if (Number.isFinite(quantity) && Number.isFinite(price)) {
      totals.set(item.currency, (totals.get(item.currency) ?? 0) + quantity * price);
    } else totalsKnown = false;
  }
  if (totalsKnown && totals.size > 0) {
    const total = [...totals].map(([currency, sum]) => formatMoney(sum, currency, intl)).join(' + ');
    lines.push(phrase(t, 'order.total', { total }));
  }
  return lines;
}

function systemLine(
  system: Extract<KnownWhatsAppMessage, { type: 'system' }>['system'],
  { t }: RenderContext,
): Inline {
  const newId = nonBlank(system.wa_id) ?? nonBlank(system.new_wa_id);
  if (system.type === 'user_changed_number' && newId) {
    return phrase(t, 'system.changedNumber', { number: { user: newId.startsWith('+') ? newId : `+${newId}` } });
  }
  if (nonBlank(system.body)) return phrase(t, 'system.other', { body: { user: system.body! } });
  return phrase(t, 'system.otherNoBody', { type: { user: system.type ?? 'system' } });
}

/** Error 131052: the customer's file is over the 100 MB the API will deliver. */
const MEDIA_TOO_LARGE_CODE = 131052;

function unsupportedLines(
  message: Extract<KnownWhatsAppMessage, { type: 'unsupported' | 'unknown' }>,
  { t }: RenderContext,
): Inline[] {
  const errors = message.errors ?? [];
  const kind = nonBlank(message.unsupported?.type);
  const lines: Inline[] = [
    errors.some((e) => e.code === MEDIA_TOO_LARGE_CODE)
      ? t('unsupported.tooLarge')
      : kind
        ? phrase(t, 'unsupported.withKind', { kind: { user: kind } })
        : t('unsupported.plain'),
  ];
  for (const error of errors) lines.push(phrase(t, 'unsupported.detail', { detail: { user: describeError(error) } }));
  return lines;
}

function describeError(error: WhatsAppError): string {
  const text = nonBlank(error.error_data?.details) ?? nonBlank(error.message) ?? nonBlank(error.title) ?? '';
  return text ? `${text} (${error.code})` : String(error.code);
}

// ---------------------------------------------------------------------------------------------
// Media info, subjects
// ---------------------------------------------------------------------------------------------

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

const FILE_NAME_PREFIX: Record<MediaKind, string> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  voice: 'voice-message',
  document: 'document',
  sticker: 'sticker',
};

function media(
  kind: MediaKind,
  body: { id: string; mime_type?: string },
  caption?: string,
  fileName?: string,
): MediaInfo {
  const mimeType = nonBlank(body.mime_type?.trim()) ?? 'application/octet-stream';
  const baseType = mimeType.split(';')[0].trim().toLowerCase();
  const generated = `${FILE_NAME_PREFIX[kind]}-${body.id}.${EXTENSIONS[baseType] ?? 'bin'}`;
  const info: MediaInfo = { mediaId: body.id, mimeType, fileName: safeFileName(fileName) ?? generated, kind };
  if (nonBlank(caption)) info.caption = caption;
  return info;
}

/** The customer's file name without path separators or control characters (Unicode kept). */
function safeFileName(name: string | undefined): string | null {
  if (!name) return null;
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\\/\u0000-\u001f\u007f]/g, '_').trim();
  if (cleaned === '' || /^\.+$/.test(cleaned)) return null;
  const chars = Array.from(cleaned);
  return chars.length > 200 ? chars.slice(0, 200).join('') : cleaned;
}

function subjectText(message: WhatsAppMessage): string | undefined {
  if (!isKnownMessage(message)) return undefined;
  switch (message.type) {
    case 'text':
      return message.text.body;
    case 'image':
      return message.image.caption;
    case 'video':
      return message.video.caption;
    case 'document':
      return message.document.caption;
    case 'interactive':
      return message.interactive.button_reply?.title ?? message.interactive.list_reply?.title;
    case 'button':
      return message.button.text;
    case 'order':
      return message.order.text;
    default:
      return undefined;
  }
}

function typeLabel(message: WhatsAppMessage, t: Translate): string {
  if (!isKnownMessage(message)) return message.type;
  if (message.type === 'audio' && message.audio.voice) return t('type.voice');
  if (message.type === 'unknown') return t('type.unsupported');
  return t(`type.${message.type}`);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** At most `max` user-perceived characters, cut after a word when one ends late enough. */
function truncate(text: string, max: number): string {
  // Walk the graphemes lazily: a 4,096-character message costs only the first `max` of them.
  const parts: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    if (parts.length === max) break;
    parts.push(segment);
  }
  if (parts.length < max || parts.join('').length === text.length) return text;
  const head = parts.join('');
  const lastSpace = head.lastIndexOf(' ');
  const cut = lastSpace >= head.length / 2 ? head.slice(0, lastSpace) : head;
  return `${cut.trimEnd()}…`;
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

/** Intl formatters are slow to build and safe to share: one per locale/zone/options. */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, build: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = build();
    if (formatters.size > 500) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "14:05", or date and time when the messages span more than one day in `timeZone`. */
function timeFormatter(locale: BridgeLocale, timeZone: string, timestamps: number[]): (s: number) => string {
  const tag = intlLocale(locale);
  const zone = validTimeZone(timeZone);
  const day = cached(`day|${zone}`, () =>
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  );
  const spansDays = new Set(timestamps.map((s) => day.format(s * 1000))).size > 1;
  const format = cached(`time|${tag}|${zone}|${spansDays}`, () =>
    new Intl.DateTimeFormat(tag, {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(spansDays ? { year: 'numeric', month: 'short', day: 'numeric' } : {}),
    }),
  );
  return (seconds) => format.format(seconds * 1000);
}

function validTimeZone(timeZone: string): string {
  try {
    cached(`day|${timeZone}`, () =>
      new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
    );
    return timeZone;
  } catch {
    return 'UTC';
  }
}

function formatBytes(bytes: number, intl: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  const format = cached(`bytes|${intl}|${digits}`, () => new Intl.NumberFormat(intl, { maximumFractionDigits: digits }));
  return `${format.format(value)} ${units[unit]}`;
}

function formatNumber(value: number, intl: string): string {
  return cached(`number|${intl}`, () => new Intl.NumberFormat(intl)).format(value);
}

function formatMoney(amount: number, currency: string, intl: string): string {
  try {
    return cached(`money|${intl}|${currency}`, () => new Intl.NumberFormat(intl, { style: 'currency', currency })).format(amount);
  } catch {
    return `${formatNumber(amount, intl)} ${currency}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function withType(value: string, type: string | undefined): Inline {
  return nonBlank(type) ? [{ user: value }, ` (${type})`] : { user: value };
}

/** A link for http(s) URLs; anything else (javascript:, data:, garbage) stays inert text. */
function linkOrText(url: string): Inline {
  const trimmed = url.trim();
  try {
    const parsed = new URL(trimmed);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return { link: trimmed };
  } catch {
    // not a URL: shown as text
  }
  return { user: url };
}

function nonBlank(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
