/**
 * Triggers, fired like Zendesk fires them: after each ticket create or update, every active
 * trigger whose conditions hold runs its actions; a `notification_webhook` action
 * (`value: [webhook id, body]`) renders the body's placeholders as plain text and POSTs it to the
 * webhook's endpoint, signed with the webhook's signing secret
 * (`X-Zendesk-Webhook-Signature` = base64 HMAC-SHA256 of timestamp + body).
 *
 * Conditions understood (others never match, so an unknown rule fires nothing):
 *   update_type is Create | Change
 *   comment_is_public is true | false | not_relevant
 *   current_tags includes | not_includes <space-separated tags>
 *   role is agent | end_user  (the user who made the update: the audit's author)
 *   status is | is_not <status>
 * Placeholders: {{ticket.id}}, {{ticket.status}}, {{ticket.external_id}},
 * {{ticket.updated_at_with_timestamp}}, {{current_user.id}}, {{current_user.role}}; others
 * render empty. Delivery is asynchronous, retried up to 3 times on 5xx or no answer.
 */
import { signZendeskWebhook, ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER } from '../../../zendesk/webhook-signature';
import type { SandboxContext } from '../context';
import type { AuditRecord, TicketRecord, TriggerCondition } from '../state';
import { TRIGGER_SUBSCRIPTION } from '../routes/webhooks';

export interface WebhookInvocation {
  webhookId: string;
  triggerId: number;
  ticketId: number;
  endpoint: string;
  body: string;
  /** HTTP status of the last attempt, or null (no answer). */
  status: number | null;
  attempts: number;
}

export interface ChangeEvent {
  ticket: TicketRecord;
  audit: AuditRecord;
  created: boolean;
}

function matches(ctx: SandboxContext, c: TriggerCondition, e: ChangeEvent): boolean {
  const value = String(c.value ?? '');
  const comment = e.audit.events.find((ev) => ev.type === 'Comment');
  const commentRecord = comment ? (ctx.state.comments.get(e.ticket.id) ?? []).find((x) => x.id === comment.id) : undefined;
  const author = ctx.state.users.get(e.audit.author_id);
  switch (c.field) {
    case 'update_type':
      return c.operator === 'is' && value === (e.created ? 'Create' : 'Change');
    case 'comment_is_public':
      if (value === 'not_relevant') return true;
      if (!commentRecord) return false;
      return value === 'true' ? commentRecord.public : !commentRecord.public;
    case 'current_tags': {
      const tags = value.split(/\s+/).filter(Boolean);
      if (c.operator === 'includes') return tags.some((t) => e.ticket.tags.includes(t));
      if (c.operator === 'not_includes') return tags.every((t) => !e.ticket.tags.includes(t));
      return false;
    }
    case 'role': {
      const role = author?.role === 'end-user' ? 'end_user' : 'agent';
      return c.operator === 'is' ? role === value : c.operator === 'is_not' ? role !== value : false;
    }
    case 'status':
      return c.operator === 'is' ? e.ticket.status === value : c.operator === 'is_not' ? e.ticket.status !== value : false;
    default:
      return false;
  }
}

export function renderPlaceholders(ctx: SandboxContext, template: string, e: ChangeEvent): string {
  const author = ctx.state.users.get(e.audit.author_id);
  const values: Record<string, string> = {
    'ticket.id': String(e.ticket.id),
    'ticket.status': e.ticket.status,
    'ticket.external_id': e.ticket.external_id ?? '',
    'ticket.updated_at_with_timestamp': e.ticket.updated_at,
    'current_user.id': String(e.audit.author_id),
    'current_user.role': author?.role ?? '',
  };
  return template.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (_, name: string) => values[name] ?? '');
}

/** Runs the triggers for one change; webhook calls go out after the caller's answer. */
export function fireTriggers(ctx: SandboxContext, e: ChangeEvent): void {
  const triggers = [...ctx.state.triggers.values()].filter((t) => t.active).sort((a, b) => a.position - b.position);
  for (const trigger of triggers) {
    const all = trigger.conditions.all.every((c) => matches(ctx, c, e));
    const any = trigger.conditions.any.length === 0 || trigger.conditions.any.some((c) => matches(ctx, c, e));
    if (!all || !any) continue;
    for (const action of trigger.actions) {
      if (action.field !== 'notification_webhook' || !Array.isArray(action.value)) continue;
      const [webhookId, body] = action.value as [string, string?];
      const webhook = ctx.state.webhooks.get(String(webhookId));
      if (!webhook || webhook.status !== 'active' || !webhook.subscriptions.includes(TRIGGER_SUBSCRIPTION)) continue;
      const invocation: WebhookInvocation = { webhookId: webhook.id, triggerId: trigger.id, ticketId: e.ticket.id, endpoint: webhook.endpoint, body: renderPlaceholders(ctx, body ?? '', e), status: null, attempts: 0 };
      ctx.state.webhookInvocations.push(invocation);
      setImmediate(() => void deliverInvocation(ctx, invocation));
    }
  }
}

/** POSTs (again) a webhook invocation, freshly signed; retried on 5xx or no answer. */
export async function deliverInvocation(ctx: SandboxContext, invocation: WebhookInvocation, maxAttempts = 3): Promise<number | null> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const webhook = ctx.state.webhooks.get(invocation.webhookId);
    if (!webhook) return null;
    const timestamp = new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    invocation.attempts++;
    try {
      invocation.endpoint = webhook.endpoint; // the webhook's current endpoint, as Zendesk does
      const res = await fetch(invocation.endpoint, {
        method: webhook.http_method,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Zendesk Webhook',
          [ZENDESK_SIGNATURE_HEADER]: signZendeskWebhook(invocation.body, timestamp, webhook.signing_secret),
          [ZENDESK_TIMESTAMP_HEADER]: timestamp,
          ...webhook.custom_headers,
        },
        body: invocation.body,
      });
      await res.arrayBuffer().catch(() => undefined);
      invocation.status = res.status;
      if (res.status < 500 && res.status !== 429) return res.status;
    } catch {
      invocation.status = null;
    }
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
  return invocation.status;
}
