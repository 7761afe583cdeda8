/**
 * The simulated Zendesk account as JSON and back: the zod schemas of a snapshot (attachment bytes
 * as base64), `snapshotState` and `restoreState`. Kept apart from the records (state.ts) so the
 * account's shape and its file format can be read, and changed, one at a time. Stats and webhook
 * calls are not kept: they describe one run.
 */
import { z } from 'zod';
import type { AuditRecord, CommentRecord, IdempotencyRecord, TicketRecord, ZendeskState } from './state';

const iso = z.string().min(1);
const record = z.record(z.unknown());
const viaSchema = z.object({ channel: z.string(), source: z.object({ from: record, to: record, rel: z.string().nullable() }) });
const metadataSchema = z.object({ system: record, custom: record });

const userSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  shared_phone_number: z.boolean(),
  external_id: z.string().nullable(),
  role: z.enum(['end-user', 'agent', 'admin']),
  locale: z.string(),
  user_fields: record,
  active: z.boolean(),
  created_at: iso,
  updated_at: iso,
});

const identitySchema = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  type: z.enum(['email', 'phone_number']),
  value: z.string(),
  verified: z.boolean(),
  primary: z.boolean(),
  created_at: iso,
  updated_at: iso,
});

const ticketSchema = z.object({
  id: z.number().int(),
  subject: z.string().nullable(),
  description: z.string(),
  status: z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed']),
  requester_id: z.number().int(),
  submitter_id: z.number().int(),
  assignee_id: z.number().int().nullable(),
  tags: z.array(z.string()),
  external_id: z.string().nullable(),
  custom_fields: z.array(z.object({ id: z.number(), value: z.unknown() })),
  via: viaSchema,
  created_at: iso,
  updated_at: iso,
  solved_at: z.string().nullable(),
  followup_ids: z.array(z.number().int()),
  comment_count: z.number().int().nonnegative(),
});

const commentSchema = z.object({
  id: z.number().int(),
  type: z.literal('Comment'),
  ticket_id: z.number().int(),
  audit_id: z.number().int(),
  author_id: z.number().int(),
  body: z.string(),
  html_body: z.string(),
  plain_body: z.string(),
  public: z.boolean(),
  attachment_ids: z.array(z.number().int()),
  via: viaSchema,
  created_at: iso,
  metadata: metadataSchema,
});

const auditEventSchema = z.union([
  z.object({ id: z.number(), type: z.literal('Comment') }),
  z.object({ id: z.number(), type: z.literal('Create'), field_name: z.string(), value: z.unknown() }),
  z.object({ id: z.number(), type: z.literal('Change'), field_name: z.string(), value: z.unknown(), previous_value: z.unknown() }),
]);

const auditSchema = z.object({
  id: z.number().int(),
  ticket_id: z.number().int(),
  author_id: z.number().int(),
  created_at: iso,
  via: viaSchema,
  metadata: metadataSchema,
  events: z.array(auditEventSchema),
});

const attachmentSchema = z.object({
  id: z.number().int(),
  token: z.string(),
  file_name: z.string(),
  content_type: z.string(),
  size: z.number().int().nonnegative(),
  data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 bytes'),
  created_at: iso,
});

const jobSchema = z.object({
  id: z.string(),
  job_type: z.string(),
  status: z.enum(['queued', 'working', 'completed', 'failed']),
  total: z.number(),
  progress: z.number(),
  message: z.string().nullable(),
  results: z
    .array(
      z.object({
        id: z.number(),
        index: z.number(),
        action: z.literal('update'),
        success: z.boolean(),
        status: z.enum(['Updated', 'Failed']),
        error: z.string().optional(),
        errors: z.string().optional(),
        details: z.string().optional(),
      }),
    )
    .nullable(),
  created_at: iso,
  updated_at: iso,
});

const webhookSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  status: z.enum(['active', 'inactive']),
  endpoint: z.string(),
  http_method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  request_format: z.enum(['json', 'xml', 'form_encoded']),
  subscriptions: z.array(z.string()),
  authentication: record.nullable(),
  custom_headers: z.record(z.string()),
  signing_secret: z.string(),
  created_at: iso,
  created_by: z.string(),
  updated_at: iso,
  updated_by: z.string(),
});

const conditionSchema = z.object({ field: z.string(), operator: z.string(), value: z.unknown().optional() });

const triggerSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  active: z.boolean(),
  position: z.number(),
  conditions: z.object({ all: z.array(conditionSchema), any: z.array(conditionSchema) }),
  actions: z.array(z.object({ field: z.string(), value: z.unknown() })),
  category_id: z.string().nullable(),
  created_at: iso,
  updated_at: iso,
});

const ticketFieldSchema = z.object({
  id: z.number().int(),
  type: z.string(),
  title: z.string(),
  description: z.string(),
  active: z.boolean(),
  required: z.boolean(),
  position: z.number(),
  tag: z.string().nullable(),
  custom_field_options: z.array(z.object({ name: z.string(), value: z.string() })),
  created_at: iso,
  updated_at: iso,
});

const sequence = z.number().int().nonnegative();

export const zendeskSnapshotSchema = z.object({
  version: z.literal(1),
  subdomain: z.string(),
  adminUserId: z.number().int(),
  users: z.array(userSchema),
  identities: z.array(identitySchema),
  tickets: z.array(ticketSchema),
  comments: z.array(commentSchema),
  audits: z.array(auditSchema),
  attachments: z.array(attachmentSchema),
  uploads: z.array(z.object({ token: z.string(), attachment_ids: z.array(z.number().int()), expires_at: z.number() })),
  jobs: z.array(jobSchema),
  webhooks: z.array(webhookSchema),
  triggers: z.array(triggerSchema),
  ticketFields: z.array(ticketFieldSchema),
  oauthTokens: z.array(z.object({ token: z.string(), client_id: z.string(), scopes: z.array(z.string()), expires_at: z.number() })),
  idempotency: z.array(z.tuple([z.string(), z.object({ fingerprint: z.string(), status: z.number(), body: z.unknown(), expires_at: z.number() })])),
  sequences: z.object({ user: sequence, identity: sequence, ticket: sequence, event: sequence, attachment: sequence, trigger: sequence, ticketField: sequence }),
});

export type ZendeskSnapshot = z.infer<typeof zendeskSnapshotSchema>;

export function snapshotState(state: ZendeskState): ZendeskSnapshot {
  return {
    version: 1,
    subdomain: state.subdomain,
    adminUserId: state.adminUserId,
    users: [...state.users.values()],
    identities: [...state.identities.values()],
    tickets: [...state.tickets.values()],
    comments: [...state.comments.values()].flat(),
    audits: [...state.audits.values()].flat(),
    attachments: [...state.attachments.values()].map((a) => ({ ...a, data: a.data.toString('base64') })),
    uploads: [...state.uploads.values()],
    jobs: [...state.jobs.values()],
    webhooks: [...state.webhooks.values()],
    triggers: [...state.triggers.values()],
    ticketFields: [...state.ticketFields.values()],
    oauthTokens: [...state.oauthTokens.values()],
    idempotency: [...state.idempotency.entries()],
    sequences: { ...state.sequences },
  };
}

/** Replaces the account's data with a (validated) snapshot, in place: routes keep their `state`. */
export function restoreState(state: ZendeskState, snapshot: ZendeskSnapshot): void {
  const fill = <K, V>(map: Map<K, V>, entries: Iterable<[K, V]>) => {
    map.clear();
    for (const [k, v] of entries) map.set(k, v);
  };
  state.subdomain = snapshot.subdomain;
  state.adminUserId = snapshot.adminUserId;
  fill(state.users, snapshot.users.map((u) => [u.id, u]));
  fill(state.identities, snapshot.identities.map((i) => [i.id, i]));
  fill(state.tickets, snapshot.tickets.map((t) => [t.id, t as TicketRecord]));
  const grouped = <T extends { ticket_id: number }>(items: T[]) => {
    const byTicket = new Map<number, T[]>();
    for (const item of items) byTicket.set(item.ticket_id, [...(byTicket.get(item.ticket_id) ?? []), item]);
    return byTicket;
  };
  fill(state.comments, grouped(snapshot.comments as CommentRecord[]));
  fill(state.audits, grouped(snapshot.audits as AuditRecord[]));
  fill(state.attachments, snapshot.attachments.map((a) => [a.id, { ...a, data: Buffer.from(a.data, 'base64') }]));
  fill(state.uploads, snapshot.uploads.map((u) => [u.token, u]));
  fill(state.jobs, snapshot.jobs.map((j) => [j.id, j]));
  fill(state.webhooks, snapshot.webhooks.map((w) => [w.id, w]));
  fill(state.triggers, snapshot.triggers.map((t) => [t.id, t]));
  fill(state.ticketFields, snapshot.ticketFields.map((f) => [f.id, f]));
  fill(state.oauthTokens, snapshot.oauthTokens.map((t) => [t.token, t]));
  fill(state.idempotency, snapshot.idempotency as [string, IdempotencyRecord][]);
  state.webhookInvocations.splice(0, state.webhookInvocations.length);
  state.sequences = { ...snapshot.sequences };
}
