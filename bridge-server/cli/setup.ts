/**
 * `npm run bridge -- setup [--dry-run]`: creates or updates, idempotently, what Zendesk needs so
 * that agent replies reach the bridge:
 *
 *   1. a webhook (`${PUBLIC_URL}/webhooks/zendesk`, POST, JSON, connected to triggers);
 *   2. its signing secret, stored in the bridge's store and printed (set ZENDESK_WEBHOOK_SECRET);
 *   3. a trigger: a public comment by an agent on a ticket tagged `whatsapp` notifies the webhook
 *      with `{"ticket_id": "{{ticket.id}}", …}` (the bridge reads the comment itself);
 *   4. a text ticket field "WhatsApp number", which the bridge fills with the customer's +number
 *      (or business-scoped id) when it creates a ticket; its id is kept in the store.
 *
 * Found by name/title and compared field by field: running it twice changes nothing. With
 * `--dry-run` it only reads and says what it would do.
 */
import { z } from 'zod';
import type { Store } from '../store';
import type { ZendeskClient } from '../zendesk/client';
import { ZendeskError } from '../zendesk/errors';
import { numberFieldId, rememberNumberField } from '../sync/whatsapp-number-field';

export const WEBHOOK_NAME = 'WhatsApp for Zendesk bridge';
export const TRIGGER_TITLE = 'WhatsApp for Zendesk: send agent replies to WhatsApp';
export const WEBHOOK_SECRET_KEY = 'zendesk.webhook_secret';
/** An admin-facing name (not translated): what agents search on and build views with. */
export const NUMBER_FIELD_TITLE = 'WhatsApp number';
export const NUMBER_FIELD_DESCRIPTION =
  "The customer's WhatsApp number (+ and digits), or their business-scoped WhatsApp id when WhatsApp does not share the number. Filled by the WhatsApp bridge when it creates a ticket. Created by `npm run bridge -- setup`.";

/** The trigger's webhook body. Placeholders render as plain text (hence the quotes). */
export const TRIGGER_BODY = JSON.stringify(
  {
    event: 'agent_public_comment',
    ticket_id: '{{ticket.id}}',
    author_id: '{{current_user.id}}',
    updated_at: '{{ticket.updated_at_with_timestamp}}',
  },
  null,
  2,
);

interface Webhook {
  id: string;
  name: string;
  endpoint: string;
  http_method: string;
  request_format: string;
  status: string;
  subscriptions: string[];
}

interface TicketField {
  id: number;
  type: string;
  title: string;
  description: string;
  active: boolean;
  required: boolean;
}

interface Trigger {
  id: number;
  title: string;
  active: boolean;
  conditions: { all: unknown[]; any: unknown[] };
  actions: { field: string; value: unknown }[];
}

export type StepAction = 'create' | 'update' | 'unchanged';
export interface SetupStep {
  what: 'webhook' | 'trigger' | 'secret' | 'field' | 'field id';
  action: StepAction;
  id: string | null;
  detail: string;
}

export interface SetupResult {
  steps: SetupStep[];
  webhookId: string | null;
  /** The webhook's signing secret (null in a dry run when the webhook does not exist yet). */
  secret: string | null;
  /** The "WhatsApp number" ticket field (null in a dry run when it does not exist yet). */
  fieldId: number | null;
  changed: boolean;
}

export interface SetupOptions {
  zendesk: ZendeskClient;
  publicUrl: string;
  dryRun?: boolean;
  /** Where to keep the signing secret (the bridge accepts it besides ZENDESK_WEBHOOK_SECRET). */
  db?: Store;
  now?: () => number;
}

function desiredWebhook(publicUrl: string) {
  return {
    name: WEBHOOK_NAME,
    description: 'Tells the WhatsApp bridge that an agent replied publicly on a WhatsApp ticket. Created by `npm run bridge -- setup`.',
    endpoint: `${publicUrl.replace(/\/+$/, '')}/webhooks/zendesk`,
    http_method: 'POST',
    request_format: 'json',
    status: 'active',
    subscriptions: ['conditional_ticket_events'],
  };
}

function desiredTrigger(webhookId: string) {
  return {
    title: TRIGGER_TITLE,
    description: 'Sends public agent replies on tickets tagged whatsapp to the WhatsApp bridge. Created by `npm run bridge -- setup`.',
    active: true,
    conditions: {
      all: [
        { field: 'comment_is_public', operator: 'is', value: 'true' },
        { field: 'current_tags', operator: 'includes', value: 'whatsapp' },
        { field: 'role', operator: 'is', value: 'agent' },
      ],
      any: [],
    },
    actions: [{ field: 'notification_webhook', value: [webhookId, TRIGGER_BODY] }],
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function runSetup(o: SetupOptions): Promise<SetupResult> {
  const { zendesk } = o;
  const steps: SetupStep[] = [];
  const want = desiredWebhook(o.publicUrl);

  // 1. the webhook
  const listed = await zendesk.request<{ webhooks: Webhook[] }>('GET', `/api/v2/webhooks?filter[name_contains]=${encodeURIComponent(WEBHOOK_NAME)}`, { repeatable: true, what: 'list webhooks' });
  const existing = (listed.body.webhooks ?? []).find((w) => w.name === WEBHOOK_NAME) ?? null;
  let webhookId: string | null = existing?.id ?? null;
  if (!existing) {
    steps.push({ what: 'webhook', action: 'create', id: null, detail: `POST ${want.endpoint}` });
    if (!o.dryRun) {
      const res = await zendesk.request<{ webhook: Webhook }>('POST', '/api/v2/webhooks', { body: { webhook: want }, repeatable: false, what: 'create webhook' });
      webhookId = res.body.webhook.id;
      steps[steps.length - 1].id = webhookId;
    }
  } else {
    const differs = (['endpoint', 'http_method', 'request_format', 'status'] as const).filter((k) => existing[k] !== want[k]);
    if (!same(existing.subscriptions, want.subscriptions)) differs.push('subscriptions' as never);
    if (differs.length) {
      steps.push({ what: 'webhook', action: 'update', id: existing.id, detail: `${differs.join(', ')} → ${want.endpoint}` });
      if (!o.dryRun) await zendesk.request('PATCH', `/api/v2/webhooks/${existing.id}`, { body: { webhook: want }, repeatable: true, what: 'update webhook' });
    } else steps.push({ what: 'webhook', action: 'unchanged', id: existing.id, detail: want.endpoint });
  }

  // 2. its signing secret
  let secret: string | null = null;
  if (webhookId) {
    const res = await zendesk.request<{ signing_secret: { secret: string } }>('GET', `/api/v2/webhooks/${webhookId}/signing_secret`, { repeatable: true, what: 'show signing secret' });
    secret = res.body.signing_secret.secret;
    if (o.db) {
      const stored = await o.db.selectFrom('bridge_settings').select('value').where('key', '=', WEBHOOK_SECRET_KEY).executeTakeFirst();
      if (stored?.value === secret) steps.push({ what: 'secret', action: 'unchanged', id: webhookId, detail: 'stored in the bridge store' });
      else {
        steps.push({ what: 'secret', action: stored ? 'update' : 'create', id: webhookId, detail: 'stored in the bridge store' });
        if (!o.dryRun) {
          const now = o.now?.() ?? Date.now();
          await o.db
            .insertInto('bridge_settings')
            .values({ key: WEBHOOK_SECRET_KEY, value: secret, updated_at: now })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value: secret as string, updated_at: now }))
            .execute();
        }
      }
    }
  }

  // 3. the trigger
  const triggers = await zendesk.request<{ triggers: Trigger[] }>('GET', '/api/v2/triggers', { repeatable: true, what: 'list triggers' });
  const trigger = (triggers.body.triggers ?? []).find((t) => t.title === TRIGGER_TITLE) ?? null;
  const wantTrigger = desiredTrigger(webhookId ?? '<new webhook>');
  if (!trigger) {
    steps.push({ what: 'trigger', action: 'create', id: null, detail: 'public agent comment on a ticket tagged whatsapp → webhook' });
    if (!o.dryRun) {
      const res = await zendesk.request<{ trigger: Trigger }>('POST', '/api/v2/triggers', { body: { trigger: wantTrigger }, repeatable: false, what: 'create trigger' });
      steps[steps.length - 1].id = String(res.body.trigger.id);
    }
  } else {
    const differs = !trigger.active || !same(trigger.conditions, wantTrigger.conditions) || !same(trigger.actions, wantTrigger.actions);
    if (differs) {
      steps.push({ what: 'trigger', action: 'update', id: String(trigger.id), detail: 'conditions or actions differ from what the bridge needs' });
      if (!o.dryRun) await zendesk.request('PUT', `/api/v2/triggers/${trigger.id}`, { body: { trigger: wantTrigger }, repeatable: true, what: 'update trigger' });
    } else steps.push({ what: 'trigger', action: 'unchanged', id: String(trigger.id), detail: 'public agent comment on a ticket tagged whatsapp → webhook' });
  }

  // 4. the "WhatsApp number" ticket field, and its id in the store
  const fieldId = await setupNumberField(o, steps);

  return { steps, webhookId, secret, fieldId, changed: steps.some((s) => s.action !== 'unchanged') };
}

const desiredField = { type: 'text', title: NUMBER_FIELD_TITLE, description: NUMBER_FIELD_DESCRIPTION, active: true, required: false };

/**
 * Finds the field by the id the store remembers (an admin may have renamed it), else by its
 * title among the text fields; creates it when neither exists, and puts back what differs
 * (title, description, active, required; a field's type cannot change in Zendesk).
 */
async function setupNumberField(o: SetupOptions, steps: SetupStep[]): Promise<number | null> {
  const { zendesk } = o;
  const storedId = o.db ? await numberFieldId(o.db) : null;
  let field: TicketField | null = null;
  if (storedId !== null) {
    try {
      const res = await zendesk.request<{ ticket_field: TicketField }>('GET', `/api/v2/ticket_fields/${storedId}`, { repeatable: true, what: 'show ticket field' });
      if (res.body.ticket_field.type === desiredField.type) field = res.body.ticket_field;
    } catch (err) {
      // Deleted in Zendesk since: look it up by title, or create it again.
      if (!(err instanceof ZendeskError && err.kind === 'not-found')) throw err;
    }
  }
  if (!field) field = (await listTicketFields(zendesk)).find((f) => f.title === NUMBER_FIELD_TITLE && f.type === desiredField.type) ?? null;

  let id: number | null = field?.id ?? null;
  if (!field) {
    steps.push({ what: 'field', action: 'create', id: null, detail: `text ticket field "${NUMBER_FIELD_TITLE}"` });
    if (!o.dryRun) {
      const res = await zendesk.request<{ ticket_field: TicketField }>('POST', '/api/v2/ticket_fields', { body: { ticket_field: desiredField }, repeatable: false, what: 'create ticket field' });
      id = res.body.ticket_field.id;
      steps[steps.length - 1].id = String(id);
    }
  } else {
    const differs = (['title', 'description', 'active', 'required'] as const).filter((k) => field[k] !== desiredField[k]);
    if (differs.length) {
      steps.push({ what: 'field', action: 'update', id: String(field.id), detail: `${differs.join(', ')} → "${NUMBER_FIELD_TITLE}", active` });
      if (!o.dryRun) {
        const { type: _type, ...changes } = desiredField;
        await zendesk.request('PUT', `/api/v2/ticket_fields/${field.id}`, { body: { ticket_field: changes }, repeatable: true, what: 'update ticket field' });
      }
    } else steps.push({ what: 'field', action: 'unchanged', id: String(field.id), detail: `text ticket field "${NUMBER_FIELD_TITLE}"` });
  }

  if (o.db && id !== null && id !== storedId) {
    steps.push({ what: 'field id', action: storedId === null ? 'create' : 'update', id: String(id), detail: 'stored in the bridge store (new tickets carry the field)' });
    if (!o.dryRun) await rememberNumberField(o.db, id, o.now?.() ?? Date.now());
  }
  return id;
}

const ticketFieldSchema = z.object({ id: z.number(), type: z.string(), title: z.string(), description: z.string().nullish().transform((d) => d ?? ''), active: z.boolean(), required: z.boolean() }).passthrough();
const ticketFieldPageSchema = z.object({
  ticket_fields: z.array(ticketFieldSchema),
  meta: z.object({ has_more: z.boolean() }).passthrough(),
  links: z.object({ next: z.string().nullish() }).passthrough(),
});
/** Pages read at most (100 fields each): a guard against a paging loop, far above any account. */
const MAX_FIELD_PAGES = 100;

/**
 * Every ticket field of the account, with cursor pagination (`page[size]=100`, then
 * `links.next` while `meta.has_more`): an account with more than 100 fields has the "WhatsApp
 * number" field on a later page, and reading only the first would create it again each run.
 */
export async function listTicketFields(zendesk: ZendeskClient): Promise<TicketField[]> {
  const fields: TicketField[] = [];
  let path: string | null = '/api/v2/ticket_fields?page%5Bsize%5D=100';
  for (let pages = 0; path; pages++) {
    if (pages >= MAX_FIELD_PAGES) throw new Error(`Zendesk's list of ticket fields did not end after ${pages} pages (the paging loops); the last page asked for was ${path}. Run setup again; if it repeats, report it.`);
    const res = await zendesk.request<unknown>('GET', path, { repeatable: true, what: 'list ticket fields' });
    const page = ticketFieldPageSchema.safeParse(res.body);
    if (!page.success) throw new Error(`Zendesk's list of ticket fields is not in the expected shape ({ticket_fields, meta, links}): ${page.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    fields.push(...page.data.ticket_fields);
    const next = page.data.meta.has_more ? page.data.links.next : null;
    // Links are absolute URLs of the account: the client adds its own base.
    path = next ? (({ pathname, search }) => pathname + search)(new URL(next)) : null;
  }
  return fields;
}

/** What `setup` prints. */
export function describeSetup(result: SetupResult, dryRun: boolean, configuredSecret: string | null): string {
  const verb = (a: StepAction) => (dryRun ? { create: 'would create', update: 'would update', unchanged: 'unchanged' }[a] : { create: 'created', update: 'updated', unchanged: 'unchanged' }[a]);
  const lines = [dryRun ? 'Zendesk setup (dry run: nothing was changed)' : 'Zendesk setup', ''];
  for (const s of result.steps) lines.push(`  ${s.what.padEnd(8)} ${verb(s.action).padEnd(13)} ${s.id ? `#${s.id} ` : ''}${s.detail}`);
  lines.push('');
  if (result.secret) {
    lines.push(`The webhook's signing secret: ${result.secret}`);
    lines.push(
      configuredSecret === result.secret
        ? 'ZENDESK_WEBHOOK_SECRET already holds it.'
        : 'Set ZENDESK_WEBHOOK_SECRET to it in the bridge environment (the bridge also reads it from its store, where setup saved it), then restart the bridge.',
    );
  } else if (dryRun) lines.push('The signing secret is shown once the webhook exists (run without --dry-run).');
  lines.push('', 'Still by hand (docs/operators.md, "The steps an admin still does by hand"): install the sidebar app and enter its settings. Tickets the bridge creates carry the tag "whatsapp"; keep that tag on tickets whose replies should go to WhatsApp.');
  return lines.join('\n');
}
