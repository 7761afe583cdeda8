/**
 * Records → the JSON Zendesk answers with. URLs point at the sandbox itself (`base` is the
 * request's `http://host:port`), so a client can follow them.
 */
import type { Request } from 'express';
import type {
  AttachmentRecord,
  AuditRecord,
  CommentRecord,
  IdentityRecord,
  JobStatusRecord,
  TicketFieldRecord,
  TicketRecord,
  TriggerRecord,
  UploadRecord,
  UserRecord,
  WebhookRecord,
  ZendeskState,
} from './state';

/** `http://127.0.0.1:PORT` as the client addressed the sandbox. */
export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}

export function presentUser(user: UserRecord, base: string) {
  return {
    id: user.id,
    url: `${base}/api/v2/users/${user.id}.json`,
    name: user.name,
    email: user.email,
    phone: user.phone,
    shared_phone_number: user.shared_phone_number,
    external_id: user.external_id,
    role: user.role,
    locale: user.locale,
    time_zone: 'UTC',
    user_fields: user.user_fields,
    active: user.active,
    verified: true,
    suspended: false,
    tags: [] as string[],
    photo: null,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}

export function presentIdentity(identity: IdentityRecord, base: string) {
  return {
    url: `${base}/api/v2/users/${identity.user_id}/identities/${identity.id}.json`,
    id: identity.id,
    user_id: identity.user_id,
    type: identity.type,
    value: identity.value,
    verified: identity.verified,
    primary: identity.primary,
    created_at: identity.created_at,
    updated_at: identity.updated_at,
  };
}

export function contentUrl(attachment: AttachmentRecord, base: string): string {
  return `${base}/attachments/token/${attachment.token}/?name=${encodeURIComponent(attachment.file_name)}`;
}

export function presentAttachment(attachment: AttachmentRecord, base: string) {
  const url = contentUrl(attachment, base);
  return {
    url: `${base}/api/v2/attachments/${attachment.id}.json`,
    id: attachment.id,
    file_name: attachment.file_name,
    content_url: url,
    mapped_content_url: url,
    content_type: attachment.content_type,
    size: attachment.size,
    width: null,
    height: null,
    inline: false,
    deleted: false,
    malware_access_override: false,
    malware_scan_result: 'malware_not_found',
    thumbnails: [] as unknown[],
  };
}

function attachmentsOf(ids: number[], state: ZendeskState, base: string) {
  return ids.flatMap((id) => {
    const attachment = state.attachments.get(id);
    return attachment ? [presentAttachment(attachment, base)] : [];
  });
}

export function presentUpload(upload: UploadRecord, state: ZendeskState, base: string) {
  const attachments = attachmentsOf(upload.attachment_ids, state, base);
  return {
    token: upload.token,
    expires_at: new Date(upload.expires_at).toISOString(),
    attachment: attachments[attachments.length - 1] ?? null,
    attachments,
  };
}

export function presentComment(comment: CommentRecord, state: ZendeskState, base: string) {
  return {
    id: comment.id,
    type: comment.type,
    author_id: comment.author_id,
    body: comment.body,
    html_body: comment.html_body,
    plain_body: comment.plain_body,
    public: comment.public,
    attachments: attachmentsOf(comment.attachment_ids, state, base),
    audit_id: comment.audit_id,
    via: comment.via,
    created_at: comment.created_at,
    metadata: comment.metadata,
  };
}

export function presentTicket(ticket: TicketRecord, state: ZendeskState, base: string) {
  // Zendesk lists every ticket field of the account, with null for unset ones.
  const values = new Map<number, unknown>();
  for (const field of state.ticketFields.values()) values.set(field.id, null);
  for (const field of ticket.custom_fields) values.set(field.id, field.value);
  const customFields = [...values.entries()].sort(([a], [b]) => a - b).map(([id, value]) => ({ id, value }));
  const comments = state.comments.get(ticket.id) ?? [];
  return {
    url: `${base}/api/v2/tickets/${ticket.id}.json`,
    id: ticket.id,
    external_id: ticket.external_id,
    via: ticket.via,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
    generated_timestamp: Math.floor(Date.parse(ticket.updated_at) / 1000),
    type: null,
    subject: ticket.subject,
    raw_subject: ticket.subject,
    description: ticket.description,
    priority: null,
    status: ticket.status,
    recipient: null,
    requester_id: ticket.requester_id,
    submitter_id: ticket.submitter_id,
    assignee_id: ticket.assignee_id,
    organization_id: null,
    group_id: null,
    collaborator_ids: [] as number[],
    follower_ids: [] as number[],
    email_cc_ids: [] as number[],
    problem_id: null,
    has_incidents: false,
    is_public: comments.some((comment) => comment.public),
    due_at: null,
    tags: ticket.tags,
    custom_fields: customFields,
    fields: customFields,
    satisfaction_rating: null,
    sharing_agreement_ids: [] as number[],
    followup_ids: ticket.followup_ids,
    ticket_form_id: null,
    brand_id: null,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: false,
    solved_at: ticket.solved_at,
    comment_count: ticket.comment_count,
  };
}

export function presentAudit(audit: AuditRecord, state: ZendeskState, base: string) {
  const comments = new Map((state.comments.get(audit.ticket_id) ?? []).map((c) => [c.id, c]));
  return {
    id: audit.id,
    ticket_id: audit.ticket_id,
    created_at: audit.created_at,
    author_id: audit.author_id,
    via: audit.via,
    metadata: audit.metadata,
    events: audit.events.map((event) => {
      if (event.type !== 'Comment') return event;
      const comment = comments.get(event.id);
      return comment ? presentComment(comment, state, base) : event;
    }),
  };
}

export function presentJob(job: JobStatusRecord, base: string) {
  return {
    id: job.id,
    url: `${base}/api/v2/job_statuses/${job.id}.json`,
    job_type: job.job_type,
    status: job.status,
    total: job.total,
    progress: job.progress,
    message: job.message,
    results: job.results,
  };
}

/** The signing secret is not part of a webhook; it has its own endpoint. */
export function presentWebhook(webhook: WebhookRecord) {
  const { signing_secret: _secret, ...rest } = webhook;
  return rest;
}

export function presentTrigger(trigger: TriggerRecord, base: string) {
  return { url: `${base}/api/v2/triggers/${trigger.id}.json`, ...trigger, raw_title: trigger.title };
}

export function presentTicketField(field: TicketFieldRecord, base: string) {
  return {
    url: `${base}/api/v2/ticket_fields/${field.id}.json`,
    ...field,
    raw_title: field.title,
    raw_description: field.description,
    title_in_portal: field.title,
    visible_in_portal: false,
    editable_in_portal: false,
    removable: true,
  };
}
