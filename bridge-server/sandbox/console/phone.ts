/**
 * The console's customer phone: creating customers and sending as them, exactly as Meta would
 * (signed webhooks built by the simulated phone, media stored in the simulated Graph API so the
 * bridge downloads it), and what the phone shows: both directions of the chat with their ticks,
 * templates rendered as the customer sees them, reactions on the bubbles.
 */
import type { Clock } from '../../lib/clock';
import type { WhatsAppSandbox } from '../whatsapp';
import type { SentMessage } from '../whatsapp/outbox';
import { deliver, envelope, SimulatedCustomer, type PhoneMessage } from '../whatsapp/phone';
import type { CustomerMessage, SandboxCustomer } from '../whatsapp/state';
import type { ZendeskSandbox } from '../zendesk';
import { ConsoleError } from './errors';
import { sampleDocument, samplePicture } from './sample-files';
import type { CustomerMessageInput } from './schemas';
import { renderTemplate, type RenderedTemplate } from './render-template';

export interface PhoneDeps {
  whatsapp: WhatsAppSandbox;
  zendesk: ZendeskSandbox;
  clock: Clock;
  /** The bridge's WhatsApp webhook URL now (it changes when the bridge restarts). */
  webhookUrl(): string;
  changed(): void;
}

export function listCustomers(deps: PhoneDeps) {
  return [...deps.whatsapp.state.customers.values()]
    .map((customer) => {
      const chat = chatOf(deps, customer.waId);
      const last = chat.at(-1);
      return { ...customer, ticketIds: ticketsOf(deps.zendesk, customer.waId), lastMessage: last ? { at: last.at, preview: preview(last) } : null };
    })
    .sort((a, b) => (b.lastMessage?.at ?? b.createdAt) - (a.lastMessage?.at ?? a.createdAt));
}

export function createCustomer(deps: PhoneDeps, input: { name: string; number: string }): SandboxCustomer {
  const existing = deps.whatsapp.state.customers.get(input.number);
  if (existing) throw new ConsoleError(409, `+${input.number} is already ${existing.name}: pick them in the list, or use another number.`);
  const customer: SandboxCustomer = { waId: input.number, name: input.name, createdAt: deps.clock.now() };
  deps.whatsapp.state.customers.set(customer.waId, customer);
  deps.changed();
  return customer;
}

export function requireCustomer(deps: PhoneDeps, waId: string): SandboxCustomer {
  const customer = deps.whatsapp.state.customers.get(waId);
  if (!customer) throw new ConsoleError(404, `No customer has the number +${waId} on the console's phone: create them first.`);
  return customer;
}

/** Zendesk tickets of the user the bridge made for this number, newest first. */
export function ticketsOf(zendesk: ZendeskSandbox, waId: string): number[] {
  const users = [...zendesk.state.users.values()].filter((u) => u.external_id?.toLowerCase() === `whatsapp:wa:${waId}` || u.phone === `+${waId}`);
  const ids = new Set(users.map((u) => u.id));
  return [...zendesk.state.tickets.values()].filter((t) => ids.has(t.requester_id)).sort((a, b) => b.id - a.id).map((t) => t.id);
}

/** Sends one message as the customer: Meta's signed webhook to the bridge. */
export async function sendAsCustomer(deps: PhoneDeps, waId: string, input: CustomerMessageInput): Promise<CustomerMessage> {
  const customer = requireCustomer(deps, waId);
  const { whatsapp, clock } = deps;
  const phone = new SimulatedCustomer({ waId, name: customer.name, clock });
  const at = Math.floor(clock.now() / 1000) * 1000;
  let message: PhoneMessage;
  let record: Omit<CustomerMessage, 'wamid' | 'delivery'>;
  switch (input.type) {
    case 'text':
      message = phone.text(input.text);
      record = { waId, type: 'text', at, text: input.text };
      break;
    case 'image': {
      const bytes = samplePicture(whatsapp.state.customerMessages.length);
      const fileName = 'photo.png';
      const media = whatsapp.state.addMedia(bytes, 'image/png', clock.now(), { fileName });
      message = phone.image({ id: media.id, mimeType: 'image/png', sha256: media.sha256 }, { caption: input.caption || undefined });
      record = { waId, type: 'image', at, mediaId: media.id, mimeType: 'image/png', fileName, ...(input.caption ? { caption: input.caption } : {}) };
      break;
    }
    case 'document': {
      const fileName = input.fileName ?? 'receipt.pdf';
      const bytes = sampleDocument([`Sample document from ${customer.name}`, `WhatsApp +${waId}`, new Date(clock.now()).toISOString()]);
      const media = whatsapp.state.addMedia(bytes, 'application/pdf', clock.now(), { fileName });
      message = phone.document({ id: media.id, mimeType: 'application/pdf', sha256: media.sha256 }, { filename: fileName, caption: input.caption || undefined });
      record = { waId, type: 'document', at, mediaId: media.id, mimeType: 'application/pdf', fileName, ...(input.caption ? { caption: input.caption } : {}) };
      break;
    }
    case 'location': {
      const location = { latitude: input.latitude, longitude: input.longitude, ...(input.name ? { name: input.name } : {}), ...(input.address ? { address: input.address } : {}) };
      message = phone.location(location);
      record = { waId, type: 'location', at, location };
      break;
    }
    case 'reaction': {
      const target = whatsapp.outbox.sent.find((m) => m.wamid === input.messageId && m.recipient === waId);
      if (!target) throw new ConsoleError(404, `That message is not one the business sent to +${waId}; a customer can react only to messages in their chat.`);
      message = phone.reaction(target.wamid, input.emoji);
      record = { waId, type: 'reaction', at, reaction: { messageId: target.wamid, emoji: input.emoji } };
      break;
    }
  }
  const payload = envelope(whatsapp.settings.phoneNumberId, [message]);
  // The simulated number sees the customer write too: their 24-hour window opens there, as at Meta.
  whatsapp.outbox.observeInbound(payload);
  let delivery: CustomerMessage['delivery'] = 'delivered';
  let error: string | undefined;
  try {
    const res = await deliver(deps.webhookUrl(), payload, whatsapp.settings.appSecret);
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) {
      delivery = 'failed';
      error = `The bridge answered ${res.status} to the webhook; Meta would retry it. Check the bridge's log in the terminal.`;
    }
  } catch (e) {
    delivery = 'failed';
    error = `The bridge did not answer the webhook (${(e as Error).message}); is it running?`;
  }
  const stored: CustomerMessage = { ...record, wamid: message.id, delivery, ...(error ? { error } : {}) };
  whatsapp.state.customerMessages.push(stored);
  deps.changed();
  return stored;
}

/** The customer opens the chat: every agent message not yet read is reported `read` to the bridge. */
export async function markRead(deps: PhoneDeps, waId: string): Promise<{ marked: number }> {
  requireCustomer(deps, waId);
  const unread = deps.whatsapp.outbox.inbox(waId).filter((m) => m.status !== 'read' && m.status !== 'failed');
  let marked = 0;
  for (const m of unread) if (await deps.whatsapp.outbox.emitStatus(m.wamid, 'read')) marked += 1;
  deps.changed();
  return { marked };
}

export type Tick = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface ChatEntry {
  id: string;
  /** `in`: the customer wrote it; `out`: the business sent it. */
  direction: 'in' | 'out';
  type: string;
  at: number;
  text: string | null;
  caption: string | null;
  media: { url: string; fileName: string; mimeType: string } | null;
  location: { latitude: number; longitude: number; name?: string; address?: string } | null;
  template: RenderedTemplate | null;
  tick: Tick;
  /** The other side's reaction to this message, if any. */
  reaction: string | null;
  error: string | null;
}

/** Both directions of one customer's chat, oldest first; reactions sit on the message they react to. */
export function chatOf(deps: Pick<PhoneDeps, 'whatsapp'>, waId: string): ChatEntry[] {
  const { whatsapp } = deps;
  const reactions = new Map<string, string>();
  const entries: ChatEntry[] = [];
  const read = new Set(whatsapp.outbox.readReceipts);
  for (const m of whatsapp.state.customerMessages.filter((x) => x.waId === waId)) {
    if (m.type === 'reaction' && m.reaction) {
      reactions.set(m.reaction.messageId, m.reaction.emoji);
      continue;
    }
    entries.push({
      id: m.wamid,
      direction: 'in',
      type: m.type,
      at: m.at,
      text: m.text ?? null,
      caption: m.caption ?? null,
      media: m.mediaId ? { url: `/api/media/${m.mediaId}`, fileName: m.fileName ?? 'file', mimeType: m.mimeType ?? 'application/octet-stream' } : null,
      location: m.location ?? null,
      template: null,
      tick: m.delivery === 'failed' ? 'failed' : read.has(m.wamid) ? 'read' : 'delivered',
      reaction: null,
      error: m.error ?? null,
    });
  }
  for (const m of whatsapp.outbox.inbox(waId)) {
    if (m.type === 'reaction') {
      const r = m.body.reaction as { message_id?: string; emoji?: string } | undefined;
      if (r?.message_id) reactions.set(r.message_id, r.emoji ?? '');
      continue;
    }
    entries.push(outboundEntry(whatsapp, m));
  }
  for (const e of entries) {
    const emoji = reactions.get(e.id);
    if (emoji) e.reaction = emoji;
  }
  return entries.sort((a, b) => a.at - b.at);
}

function outboundEntry(whatsapp: WhatsAppSandbox, m: SentMessage): ChatEntry {
  const media = m.body[m.type] as { id?: string; link?: string; caption?: string; filename?: string } | undefined;
  const upload = media?.id ? whatsapp.outbox.uploads.get(media.id) : undefined;
  const isMedia = ['image', 'video', 'audio', 'document', 'sticker'].includes(m.type);
  return {
    id: m.wamid,
    direction: 'out',
    type: m.type,
    at: m.at,
    text: m.type === 'text' ? ((m.body.text as { body?: string } | undefined)?.body ?? '') : null,
    caption: isMedia ? (media?.caption ?? null) : null,
    media:
      isMedia && media
        ? { url: media.id ? `/api/media/${media.id}` : (media.link ?? ''), fileName: media.filename ?? upload?.fileName ?? m.type, mimeType: upload?.mimeType ?? 'application/octet-stream' }
        : null,
    location: null,
    template: m.type === 'template' ? renderTemplate(whatsapp.templates, m.body.template) : null,
    tick: m.status === 'accepted' ? 'pending' : m.status,
    reaction: null,
    error: null,
  };
}

function preview(entry: ChatEntry): string {
  if (entry.text) return entry.text.slice(0, 80);
  if (entry.template) return entry.template.body.slice(0, 80);
  if (entry.location) return `📍 ${entry.location.name ?? 'Location'}`;
  if (entry.media) return `📎 ${entry.caption ?? entry.media.fileName}`;
  return entry.type;
}
