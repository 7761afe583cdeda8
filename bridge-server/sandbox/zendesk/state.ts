/**
 * The sandbox's in-memory account: plain records, readable by tests and the demo console.
 * Records hold what Zendesk stores; `present.ts` turns them into API JSON (adding URLs).
 * `snapshot.ts` turns the account into JSON and back, so `npm start` keeps its tickets.
 */

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

/**
 * Changes whenever the account may have changed: every id drawn and every request that is not a
 * read (GETs, which the bridge makes often, change nothing worth saving).
 */
export function zendeskChangeMark(state: ZendeskState): string {
  let writes = 0;
  for (const [route, count] of Object.entries(state.stats.byRoute)) if (!route.startsWith('GET ')) writes += count;
  return [...Object.values(state.sequences), writes, state.webhooks.size, state.tickets.size].join('.');
}
