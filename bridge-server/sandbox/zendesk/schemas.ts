/**
 * Request body shapes. Zendesk ignores attributes it does not know, so every object passes
 * unknown keys through; a wrong type is a 400 naming the attribute. Business rules (blank
 * values, closed tickets, conflicts) are checked by the domain functions and answer 422.
 */
import { z } from 'zod';
import { badRequest } from './errors';

const id = z.coerce.number().int().positive();
const externalId = z.union([z.string(), z.number()]).transform(String);
const tags = z.union([z.array(z.string()), z.string()]);
const metadata = z.record(z.unknown());

export const customFieldSchema = z.object({ id, value: z.unknown() }).passthrough();

export const commentInputSchema = z
  .object({
    body: z.string().optional(),
    html_body: z.string().optional(),
    public: z.boolean().optional(),
    author_id: id.optional(),
    uploads: z.array(z.string()).optional(),
  })
  .passthrough();
export type CommentInput = z.infer<typeof commentInputSchema>;

export const ticketCreateSchema = z.object({
  ticket: z
    .object({
      subject: z.string().nullish(),
      requester_id: id.optional(),
      requester: z
        .object({ name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() })
        .passthrough()
        .optional(),
      submitter_id: id.optional(),
      assignee_id: id.nullish(),
      comment: commentInputSchema.optional(),
      tags: tags.optional(),
      external_id: externalId.nullish(),
      custom_fields: z.array(customFieldSchema).optional(),
      via_followup_source_id: id.optional(),
      status: z.string().optional(),
      metadata: metadata.optional(),
    })
    .passthrough(),
});
export type TicketCreateInput = z.infer<typeof ticketCreateSchema>['ticket'];

export const ticketChangesSchema = z
  .object({
    comment: commentInputSchema.optional(),
    status: z.string().optional(),
    subject: z.string().nullish(),
    assignee_id: id.nullish(),
    tags: tags.optional(),
    additional_tags: tags.optional(),
    remove_tags: tags.optional(),
    custom_fields: z.array(customFieldSchema).optional(),
    external_id: externalId.nullish(),
    safe_update: z.boolean().optional(),
    updated_stamp: z.string().optional(),
    metadata: metadata.optional(),
  })
  .passthrough();
export type TicketChanges = z.infer<typeof ticketChangesSchema>;

export const ticketUpdateSchema = z.object({ ticket: ticketChangesSchema });

/** `update_many`: per-ticket changes, or one change for `?ids=`. */
export const bulkUpdateSchema = z.union([
  z.object({ tickets: z.array(ticketChangesSchema.extend({ id })) }),
  z.object({ ticket: ticketChangesSchema }),
]);

export const userInputSchema = z
  .object({
    name: z.string().optional(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
    external_id: externalId.nullish(),
    role: z.string().optional(),
    locale: z.string().optional(),
    user_fields: z.record(z.unknown()).optional(),
  })
  .passthrough();
export type UserInput = z.infer<typeof userInputSchema>;

export const userBodySchema = z.object({ user: userInputSchema });

export const identityBodySchema = z.object({
  identity: z.object({ type: z.string(), value: z.string() }).passthrough(),
});

export const webhookInputSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().nullish(),
    status: z.string().optional(),
    endpoint: z.string().optional(),
    http_method: z.string().optional(),
    request_format: z.string().optional(),
    subscriptions: z.array(z.string()).optional(),
    authentication: z.record(z.unknown()).nullish(),
    custom_headers: z.record(z.string()).optional(),
  })
  .passthrough();
export type WebhookInput = z.infer<typeof webhookInputSchema>;
export const webhookBodySchema = z.object({ webhook: webhookInputSchema });

const triggerConditionSchema = z.object({ field: z.string(), operator: z.string(), value: z.unknown() }).passthrough();

export const triggerInputSchema = z
  .object({
    title: z.string().optional(),
    description: z.string().nullish(),
    active: z.boolean().optional(),
    position: z.number().int().optional(),
    conditions: z
      .object({ all: z.array(triggerConditionSchema).optional(), any: z.array(triggerConditionSchema).optional() })
      .optional(),
    actions: z.array(z.object({ field: z.string(), value: z.unknown() }).passthrough()).optional(),
    category_id: z.union([z.string(), z.number()]).transform(String).nullish(),
  })
  .passthrough();
export type TriggerInput = z.infer<typeof triggerInputSchema>;
export const triggerBodySchema = z.object({ trigger: triggerInputSchema });

export const ticketFieldInputSchema = z
  .object({
    type: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    active: z.boolean().optional(),
    required: z.boolean().optional(),
    position: z.number().int().optional(),
    tag: z.string().nullish(),
    custom_field_options: z.array(z.object({ name: z.string(), value: z.string() }).passthrough()).optional(),
  })
  .passthrough();
export type TicketFieldInput = z.infer<typeof ticketFieldInputSchema>;
export const ticketFieldBodySchema = z.object({ ticket_field: ticketFieldInputSchema });

/** Parses a request body or throws a 400 that names the first wrong attribute. */
export function parseBody<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = issues[0];
  throw badRequest(
    'InvalidParameter',
    `Invalid request body${first ? `: ${first.path || '(root)'}: ${first.message}` : ''}. Send JSON with Content-Type: application/json.`,
    { issues },
  );
}

/** Zendesk takes tags as an array or a space-separated string; it stores them lowercase, once. */
export function normalizeTags(input: string[] | string | undefined): string[] {
  if (input === undefined) return [];
  const list = Array.isArray(input) ? input : [input];
  const tagsOut: string[] = [];
  for (const tag of list.flatMap((entry) => entry.split(/\s+/))) {
    const normalized = tag.trim().toLowerCase();
    if (normalized && !tagsOut.includes(normalized)) tagsOut.push(normalized);
  }
  return tagsOut;
}
