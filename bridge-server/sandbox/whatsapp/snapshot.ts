/**
 * The simulated WhatsApp number as JSON and back: the zod schemas of a snapshot (bytes as
 * base64), `snapshotWhatsApp` and `restoreWhatsApp`, covering the state, the outbox and the
 * templates, so a second `npm start` finds the first one's conversations. Kept apart from the
 * state (state.ts) so the data and its file format can be read one at a time.
 */
import { z } from 'zod';
import type { Outbox, SentMessage } from './outbox';
import type { CustomerMessage, WhatsAppParts } from './state';
import type { SandboxTemplate } from './templates';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 bytes');
const sentStatus = z.enum(['accepted', 'sent', 'delivered', 'read', 'failed']);

const storedMediaSchema = z.object({
  id: z.string().min(1),
  bytes: base64,
  mimeType: z.string(),
  sha256: z.string(),
  fileSize: z.number().int().nonnegative(),
  fileName: z.string().optional(),
  createdAt: z.number(),
  deleted: z.boolean().optional(),
});

const customerSchema = z.object({ waId: z.string().regex(/^\d{6,15}$/), name: z.string(), createdAt: z.number() });

const customerMessageSchema = z.object({
  wamid: z.string().min(1),
  waId: z.string(),
  type: z.enum(['text', 'image', 'document', 'location', 'reaction']),
  at: z.number(),
  text: z.string().optional(),
  caption: z.string().optional(),
  mediaId: z.string().optional(),
  fileName: z.string().optional(),
  mimeType: z.string().optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
  reaction: z.object({ messageId: z.string(), emoji: z.string() }).optional(),
  delivery: z.enum(['delivered', 'failed']),
  error: z.string().optional(),
});

const sentMessageSchema = z.object({
  wamid: z.string().min(1),
  phoneNumberId: z.string(),
  recipient: z.string(),
  type: z.string(),
  body: z.record(z.unknown()),
  at: z.number(),
  status: sentStatus,
  callbackData: z.string().optional(),
});

const templateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    language: z.string(),
    status: z.string(),
    category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
    parameter_format: z.enum(['POSITIONAL', 'NAMED']),
    components: z.array(z.object({ type: z.enum(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']) }).passthrough()),
    quality_score: z.object({ score: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']), date: z.number() }),
    rejected_reason: z.string().optional(),
  })
  .passthrough();

export const whatsappSnapshotSchema = z.object({
  version: z.literal(1),
  media: z.array(storedMediaSchema),
  customers: z.array(customerSchema),
  customerMessages: z.array(customerMessageSchema),
  outbox: z.object({
    sent: z.array(sentMessageSchema),
    uploads: z.array(z.object({ id: z.string(), mimeType: z.string(), fileName: z.string(), bytes: base64 })),
    lastInbound: z.array(z.tuple([z.string(), z.number()])),
    undeliverable: z.array(z.string()),
    readReceipts: z.array(z.string()),
    emitted: z.array(z.object({ wamid: z.string(), status: z.string(), ok: z.boolean() })),
  }),
  templates: z.array(templateSchema),
});

export type WhatsAppSnapshot = z.infer<typeof whatsappSnapshotSchema>;

export function snapshotWhatsApp({ state, outbox, templates }: WhatsAppParts): WhatsAppSnapshot {
  return {
    version: 1,
    media: [...state.media.values()].map((m) => ({ ...m, bytes: m.bytes.toString('base64') })),
    customers: [...state.customers.values()],
    customerMessages: state.customerMessages,
    outbox: {
      sent: outbox.sent.map((m) => ({ ...m, body: m.body })),
      uploads: [...outbox.uploads.values()].map((u) => ({ ...u, bytes: u.bytes.toString('base64') })),
      lastInbound: [...outbox.lastInbound.entries()],
      undeliverable: [...outbox.undeliverable],
      readReceipts: outbox.readReceipts,
      emitted: outbox.emitted,
    },
    templates: templates.list() as unknown as WhatsAppSnapshot['templates'],
  };
}

/** Replaces what the sandbox holds with a (validated) snapshot, in place. */
export function restoreWhatsApp({ state, outbox, templates }: WhatsAppParts, snapshot: WhatsAppSnapshot): void {
  state.media.clear();
  for (const m of snapshot.media) state.media.set(m.id, { ...m, bytes: Buffer.from(m.bytes, 'base64') });
  state.customers.clear();
  for (const c of snapshot.customers) state.customers.set(c.waId, c);
  state.customerMessages.splice(0, state.customerMessages.length, ...(snapshot.customerMessages as CustomerMessage[]));
  outbox.sent.splice(0, outbox.sent.length, ...(snapshot.outbox.sent as SentMessage[]));
  outbox.uploads.clear();
  for (const u of snapshot.outbox.uploads) outbox.uploads.set(u.id, { ...u, bytes: Buffer.from(u.bytes, 'base64') });
  outbox.lastInbound.clear();
  for (const [key, at] of snapshot.outbox.lastInbound) outbox.lastInbound.set(key, at);
  outbox.undeliverable.clear();
  for (const r of snapshot.outbox.undeliverable) outbox.undeliverable.add(r);
  outbox.readReceipts.splice(0, outbox.readReceipts.length, ...snapshot.outbox.readReceipts);
  outbox.emitted.splice(0, outbox.emitted.length, ...snapshot.outbox.emitted);
  for (const t of templates.list()) templates.remove(t.name, t.language);
  for (const t of snapshot.templates) templates.upsert(t as unknown as SandboxTemplate);
}
