/**
 * The bridge's template endpoints (docs/app-api.md, "GET /api/v1/templates", "preview", "send"),
 * used only by the template picker, so this module and zod load with the picker's chunk, after
 * the window clock is on screen. The answers are checked with zod, so a bridge of another
 * version fails here with a clear message instead of deep inside a component.
 */
import * as z from 'zod/v4-mini';
import { BridgeError, createBridgeCall, type FieldError } from './bridge-client';
import type { ZafClient } from './zaf-client';

const fieldErrorsSchema = z.array(z.object({ field: z.string(), code: z.string(), message: z.string() }));

const mediaValueSchema = z.object({
  link: z.optional(z.string()),
  id: z.optional(z.string()),
  filename: z.optional(z.string()),
  mimeType: z.optional(z.string()),
  size: z.optional(z.number()),
});

const locationValueSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.optional(z.string()),
  address: z.optional(z.string()),
});

const variableSchema = z.object({
  key: z.string(),
  where: z.enum(['header', 'body', 'button']),
  kind: z.string(),
  name: z.nullable(z.string()),
  position: z.number(),
  button: z.optional(z.object({ index: z.number(), type: z.string(), text: z.string() })),
  example: z.nullable(z.string()),
});

const renderedSchema = z.object({
  header: z.nullable(z.object({ format: z.string(), text: z.nullable(z.string()), media: z.nullable(mediaValueSchema), location: z.optional(z.nullable(locationValueSchema)) })),
  body: z.string(),
  footer: z.nullable(z.string()),
  buttons: z.array(z.object({ type: z.string(), text: z.string(), url: z.optional(z.string()), phoneNumber: z.optional(z.string()), code: z.optional(z.string()) })),
});

/** Meta's components as synced: only what the local preview reads is required. */
const componentSchema = z.looseObject({
  type: z.string(),
  format: z.optional(z.string()),
  text: z.optional(z.string()),
  buttons: z.optional(z.array(z.looseObject({ type: z.string(), text: z.optional(z.string()), url: z.optional(z.string()), phone_number: z.optional(z.string()) }))),
});

const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  canSend: z.boolean(),
  quality: z.optional(z.nullable(z.string())),
  rejectedReason: z.optional(z.nullable(z.string())),
  parameterFormat: z.optional(z.string()),
  text: z.string(),
  variables: z.array(variableSchema),
  preview: z.optional(z.nullable(renderedSchema)),
  components: z.array(componentSchema),
});

const templateListSchema = z.object({
  templates: z.array(templateSchema),
  syncedAt: z.nullable(z.string()),
  syncConfigured: z.boolean(),
  lastSyncError: z.optional(z.nullable(z.string())),
});

const previewSchema = z.object({
  valid: z.boolean(),
  errors: fieldErrorsSchema,
  rendered: z.nullable(renderedSchema),
});

/**
 * A 2xx answer of the send. `status` is `accepted` when Meta took it; `outcome_unknown` (202,
 * with `isUncertain`, `code` and the bridge's `message`) when Meta's answer was lost and the
 * template may have reached the customer; bridges before that answered a repeated key of a failed
 * send with 200 `failed`. lib/send-outcome.ts reads which it is.
 */
const sendResultSchema = z.object({
  id: z.string(),
  messageId: z.optional(z.nullable(z.string())),
  status: z.string(),
  ticketComment: z.optional(z.string()),
  rendered: z.optional(z.string()),
  replayed: z.optional(z.boolean()),
  isUncertain: z.optional(z.boolean()),
  code: z.optional(z.string()),
  message: z.optional(z.string()),
});

const syncResultSchema = z.looseObject({ fetched: z.number(), syncedAt: z.string() });

export type MediaValue = z.infer<typeof mediaValueSchema>;
export type LocationValue = z.infer<typeof locationValueSchema>;
export type TemplateValue = string | MediaValue | LocationValue;
export type TemplateValues = Record<string, TemplateValue>;
export type TemplateVariable = z.infer<typeof variableSchema>;
export type RenderedTemplate = z.infer<typeof renderedSchema>;
export type TemplateComponent = z.infer<typeof componentSchema>;
export type Template = z.infer<typeof templateSchema>;
export type TemplateList = z.infer<typeof templateListSchema>;
export type TemplatePreview = z.infer<typeof previewSchema>;
export type TemplateSendResult = z.infer<typeof sendResultSchema>;

export interface TemplateRef { name: string; language: string; values: TemplateValues }
export interface TemplateSend extends TemplateRef { idempotencyKey: string; agentId?: number }

export interface BridgeClient {
  /** Every template the bridge knows, every status (`canSend` says which can be sent). */
  listTemplates(locale?: string): Promise<TemplateList>;
  /** Reads the templates from Meta now (POST /templates/sync). */
  syncTemplates(): Promise<void>;
  /** Validates as a send would and renders; always resolves for a 200 (validity in the body). */
  previewTemplate(ref: TemplateRef, locale?: string): Promise<TemplatePreview>;
  /** Sends the template to the ticket's customer; a 422 rejects with `fields`. A 2xx may still be a failure or unknown: see lib/send-outcome.ts. */
  sendTemplate(ticketId: number, send: TemplateSend, locale?: string): Promise<TemplateSendResult>;
}

function checked<T>(schema: z.ZodMiniType<T>, body: unknown, what: string): T {
  const result = z.safeParse(schema, body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BridgeError('server', 200, `The bridge answered ${what} in an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message}). Update the bridge and the app to the same version.`);
}

/** The zod-checked `fields` of a bridge error (a malformed list counts as none). */
export function parseFieldErrors(fields: unknown): FieldError[] {
  const parsed = z.safeParse(fieldErrorsSchema, fields);
  return parsed.success ? parsed.data : [];
}

export function createBridgeClient(client: ZafClient): BridgeClient {
  const call = createBridgeCall(client, parseFieldErrors);
  return {
    async listTemplates(locale) {
      return checked(templateListSchema, await call('GET', '/templates', { locale }), 'the template list');
    },
    async syncTemplates() {
      checked(syncResultSchema, await call('POST', '/templates/sync', {}, {}), 'the template sync');
    },
    async previewTemplate(ref, locale) {
      return checked(previewSchema, await call('POST', '/templates/preview', { locale }, ref), 'the template preview');
    },
    async sendTemplate(ticketId, send, locale) {
      return checked(sendResultSchema, await call('POST', `/tickets/${encodeURIComponent(String(ticketId))}/templates`, { locale }, send), 'the template send');
    },
  };
}
