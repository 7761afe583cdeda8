/**
 * The sandbox's in-memory account: plain records, readable by tests and the demo console.
 * Records hold what Zendesk stores; `present.ts` turns them into API JSON (adding URLs).
 * `snapshotState` / `restoreState` turn the account into JSON and back (validated), so the
 * `npm start` sandbox keeps its tickets from one run to the next.
 */
import { z } from 'zod';

export type UserRole = 'end-user' | 'agent' | 'admin';
export type IdentityType = 'email' | 'phone_number';
export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
export const TICKET_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

export interface UserRecord {
  id: number;
  name: string;
  /** Primary email identity, or null. */
  email: string | null;
  /** The `phone` attribute: the primary phone identity, or a number shared with another user. */
  phone: string | null;
  /** True when `phone` belongs to another user's identity, so no identity was made for it. */
  shared_phone_number: boolean;
  external_id: string | null;
  role: UserRole;
  locale: string;
  user_fields: Record<string, unknown>;
  active: boolean;
  created_at: string;
  updated_at: string;
}

export interface IdentityRecord {
  id: number;
  user_id: number;
  type: IdentityType;
  value: string;
  verified: boolean;
  primary: boolean;
  created_at: string;
  updated_at: string;
}

export interface Via {
  channel: string;
  source: { from: Record<string, unknown>; to: Record<string, unknown>; rel: string | null };
}

export interface CustomFieldValue {
  id: number;
  value: unknown;
}

export interface TicketRecord {
  id: number;
  subject: string | null;
  /** The first comment's plain text. */
  description: string;
  status: TicketStatus;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  tags: string[];
  external_id: string | null;
  custom_fields: CustomFieldValue[];
  via: Via;
  created_at: string;
  updated_at: string;
  /** Set when the ticket is first solved and kept afterwards. */
  solved_at: string | null;
  followup_ids: number[];
  comment_count: number;
}

export interface AuditMetadata {
  system: Record<string, unknown>;
  custom: Record<string, unknown>;
}

export interface CommentRecord {
  id: number;
  type: 'Comment';
  ticket_id: number;
  audit_id: number;
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  attachment_ids: number[];
  via: Via;
  created_at: string;
  metadata: AuditMetadata;
}

export interface AttachmentRecord {
  id: number;
  /** Secret part of the content URL (`/attachments/token/<token>/?name=…`). */
  token: string;
  file_name: string;
  content_type: string;
  size: number;
  data: Buffer;
  created_at: string;
}

export interface UploadRecord {
  token: string;
  attachment_ids: number[];
  /** Epoch ms (sandbox clock) after which the token no longer attaches. */
  expires_at: number;
}

export type AuditEvent =
  /** A comment event's id is the comment's id, as in Zendesk. */
  | { id: number; type: 'Comment' }
  | { id: number; type: 'Create'; field_name: string; value: unknown }
  | { id: number; type: 'Change'; field_name: string; value: unknown; previous_value: unknown };

export interface AuditRecord {
  id: number;
  ticket_id: number;
  author_id: number;
  created_at: string;
  via: Via;
  metadata: AuditMetadata;
  events: AuditEvent[];
}

export type JobState = 'queued' | 'working' | 'completed' | 'failed';

export interface JobResult {
  id: number;
  index: number;
  action: 'update';
  success: boolean;
  status: 'Updated' | 'Failed';
  /** Zendesk's error code for a failed item, e.g. `RecordInvalid`, `TooManyRequests`. */
  error?: string;
  errors?: string;
  details?: string;
}

export interface JobStatusRecord {
  id: string;
  job_type: string;
  status: JobState;
  total: number;
  progress: number;
  message: string | null;
  results: JobResult[] | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookRecord {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'inactive';
  endpoint: string;
  http_method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  request_format: 'json' | 'xml' | 'form_encoded';
  subscriptions: string[];
  authentication: Record<string, unknown> | null;
  custom_headers: Record<string, string>;
  signing_secret: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface TriggerCondition {
  field: string;
  operator: string;
  value?: unknown;
}

export interface TriggerAction {
  field: string;
  value: unknown;
}

export interface TriggerRecord {
  id: number;
  title: string;
  description: string | null;
  active: boolean;
  position: number;
  conditions: { all: TriggerCondition[]; any: TriggerCondition[] };
  actions: TriggerAction[];
  category_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface TicketFieldRecord {
  id: number;
  type: string;
  title: string;
  description: string;
  active: boolean;
  required: boolean;
  position: number;
  tag: string | null;
  custom_field_options: Array<{ name: string; value: string }>;
  created_at: string;
  updated_at: string;
}

export interface OAuthTokenRecord {
  token: string;
  client_id: string;
  scopes: string[];
  /** Epoch ms (sandbox clock). */
  expires_at: number;
}

export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: unknown;
  /** Epoch ms (sandbox clock). */
  expires_at: number;
}

/** Counters for benchmarks and the demo console. */
export interface SandboxStats {
  /** Every request that reached the sandbox (faulted, rejected and served alike). */
  requests: number;
  /** Keyed `METHOD /route/:pattern`, e.g. `PUT /api/v2/tickets/:id`. */
  byRoute: Record<string, number>;
  /** Keyed by status code; `dropped` for connections destroyed by a fault. */
  byStatus: Record<string, number>;
  /** Responses answered 429, whatever the cause (rate limit, job queue, fault). */
  rateLimited: number;
  /** Requests answered by an injected fault. */
  faultsInjected: number;
}

export interface ZendeskState {
  subdomain: string;
  adminUserId: number;
  users: Map<number, UserRecord>;
  identities: Map<number, IdentityRecord>;
  tickets: Map<number, TicketRecord>;
  /** Comments per ticket id, oldest first. */
  comments: Map<number, CommentRecord[]>;
  /** Audits per ticket id, oldest first. */
  audits: Map<number, AuditRecord[]>;
  attachments: Map<number, AttachmentRecord>;
  uploads: Map<string, UploadRecord>;
  jobs: Map<string, JobStatusRecord>;
  webhooks: Map<string, WebhookRecord>;
  triggers: Map<number, TriggerRecord>;
  /** Webhook calls made by triggers, oldest first (see domain/trigger-firing.ts). */
  webhookInvocations: import('./domain/trigger-firing').WebhookInvocation[];
  ticketFields: Map<number, TicketFieldRecord>;
  oauthTokens: Map<string, OAuthTokenRecord>;
  idempotency: Map<string, IdempotencyRecord>;
  stats: SandboxStats;
  /** Id sequences; each kind counts on its own. */
  sequences: Record<'user' | 'identity' | 'ticket' | 'event' | 'attachment' | 'trigger' | 'ticketField', number>;
}

export function createStats(): SandboxStats {
  return { requests: 0, byRoute: {}, byStatus: {}, rateLimited: 0, faultsInjected: 0 };
}

export function createState(subdomain: string): ZendeskState {
  return {
    subdomain,
    adminUserId: 1,
    users: new Map(),
    identities: new Map(),
    tickets: new Map(),
    comments: new Map(),
    audits: new Map(),
    attachments: new Map(),
    uploads: new Map(),
    jobs: new Map(),
    webhooks: new Map(),
    triggers: new Map(),
    webhookInvocations: [],
    ticketFields: new Map(),
    oauthTokens: new Map(),
    idempotency: new Map(),
    stats: createStats(),
    // Comments, audits and audit events share one sequence, like Zendesk's event ids, so a
    // comment id is never mistaken for an audit id.
    sequences: { user: 0, identity: 0, ticket: 0, event: 1_000_000, attachment: 5_000_000, trigger: 0, ticketField: 9_000_000 },
  };
}

export function nextId(state: ZendeskState, kind: keyof ZendeskState['sequences']): number {
  state.sequences[kind] += 1;
  return state.sequences[kind];
}

// ---------------------------------------------------------------------------------------------
// Snapshots (JSON; attachment bytes as base64). Stats and webhook calls are not kept: they
// describe one run.
// ---------------------------------------------------------------------------------------------

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

/** Changes whenever the account may have changed: every id drawn and every request served. */
export function zendeskChangeMark(state: ZendeskState): string {
  return [...Object.values(state.sequences), state.stats.requests, state.webhooks.size, state.tickets.size].join('.');
}
