/**
 * Meta's webhook envelope, as zod schemas and types, and `splitWebhook`, which turns one POST
 * into plain items the pipeline stores one by one.
 *
 * Tolerance is deliberate: Meta adds fields and message types without notice, so every object
 * passes unknown keys through, and a message of a type not listed here still parses as an
 * `OtherWhatsAppMessage` (the agent then reads "Unsupported message type: X" instead of the
 * message vanishing). What cannot be understood at all goes to `invalid`, kept for inspection,
 * while its valid siblings are still returned: one bad item must never cost the others.
 *
 * Field names follow Meta (snake_case) at this edge; the flattened items use the project's names.
 * Reference: /work/shared/reference/whatsapp-cloud-api.md ("Inbound payload", "Statuses").
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** Unix seconds. Meta sends a string of digits; a number is accepted and kept as a string. */
const unixSeconds = z
  .union([z.string().regex(/^\d+$/, 'should be Unix seconds (digits)'), z.number().int().nonnegative()])
  .transform((v) => String(v));

/** Meta sends numbers here; tolerate numeric strings (some proxies and fixtures stringify). */
const numberLike = z.union([z.number(), z.string()]);

/** A number, or a string holding one; output is a number. (z.coerce would turn null into 0.) */
const numeric = z
  .union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'should be a number')])
  .transform((v) => Number(v));

/** An id Meta sends as a string (sometimes as a number); output is a non-empty string. */
const idString = z.union([z.string().min(1), z.number()]).transform((v) => String(v));

export const graphErrorSchema = z
  .object({
    code: numeric,
    title: z.string().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).passthrough().optional(),
    href: z.string().optional(),
  })
  .passthrough();
export type WhatsAppError = z.infer<typeof graphErrorSchema>;

export const messageContextSchema = z
  .object({
    from: z.string().nullish(),
    id: z.string().nullish(),
    forwarded: z.boolean().optional(),
    frequently_forwarded: z.boolean().optional(),
    referred_product: z
      .object({ catalog_id: z.string().optional(), product_retailer_id: z.string().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type MessageContext = z.infer<typeof messageContextSchema>;

/** Click-to-WhatsApp ad the customer came from. */
export const referralSchema = z
  .object({
    source_url: z.string().optional(),
    source_id: z.string().optional(),
    source_type: z.string().optional(),
    headline: z.string().optional(),
    body: z.string().optional(),
    media_type: z.string().optional(),
    image_url: z.string().optional(),
    video_url: z.string().optional(),
    thumbnail_url: z.string().optional(),
    ctwa_clid: z.string().optional(),
  })
  .passthrough();
export type Referral = z.infer<typeof referralSchema>;

const commonFields = {
  /** Sender's WhatsApp id (digits, no `+`). Empty or missing when only a BSUID is given. */
  from: z.string().nullish(),
  /** Business-scoped user id (BSUID), e.g. `US.13491208655302741918`. */
  from_user_id: z.string().nullish(),
  /** The wamid. */
  id: z.string().min(1),
  timestamp: unixSeconds,
  context: messageContextSchema.optional(),
  referral: referralSchema.optional(),
  errors: z.array(graphErrorSchema).optional(),
};

const mediaFields = {
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  url: z.string().optional(),
};

// ---------------------------------------------------------------------------------------------
// Message types
// ---------------------------------------------------------------------------------------------

export const textMessageSchema = z
  .object({ ...commonFields, type: z.literal('text'), text: z.object({ body: z.string() }).passthrough() })
  .passthrough();

export const imageMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('image'),
    image: z.object({ ...mediaFields, caption: z.string().optional() }).passthrough(),
  })
  .passthrough();

export const videoMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('video'),
    video: z.object({ ...mediaFields, caption: z.string().optional() }).passthrough(),
  })
  .passthrough();

export const audioMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('audio'),
    /** `voice: true` for a voice note recorded in WhatsApp. */
    audio: z.object({ ...mediaFields, voice: z.boolean().optional() }).passthrough(),
  })
  .passthrough();

export const documentMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('document'),
    document: z
      .object({ ...mediaFields, filename: z.string().optional(), caption: z.string().optional() })
      .passthrough(),
  })
  .passthrough();

export const stickerMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('sticker'),
    sticker: z.object({ ...mediaFields, animated: z.boolean().optional() }).passthrough(),
  })
  .passthrough();

export const locationMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('location'),
    location: z
      .object({
        latitude: numeric,
        longitude: numeric,
        name: z.string().optional(),
        address: z.string().optional(),
        url: z.string().optional(),
      })
      .passthrough(),
  })
  .passthrough();

export const sharedContactSchema = z
  .object({
    name: z
      .object({
        formatted_name: z.string().optional(),
        first_name: z.string().optional(),
        last_name: z.string().optional(),
        middle_name: z.string().optional(),
        prefix: z.string().optional(),
        suffix: z.string().optional(),
      })
      .passthrough()
      .optional(),
    phones: z
      .array(
        z
          .object({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() })
          .passthrough(),
      )
      .optional(),
    emails: z.array(z.object({ email: z.string().optional(), type: z.string().optional() }).passthrough()).optional(),
    org: z
      .object({ company: z.string().optional(), department: z.string().optional(), title: z.string().optional() })
      .passthrough()
      .optional(),
    urls: z.array(z.object({ url: z.string().optional(), type: z.string().optional() }).passthrough()).optional(),
    addresses: z
      .array(
        z
          .object({
            street: z.string().optional(),
            city: z.string().optional(),
            state: z.string().optional(),
            zip: z.string().optional(),
            country: z.string().optional(),
            country_code: z.string().optional(),
            type: z.string().optional(),
          })
          .passthrough(),
      )
      .optional(),
    birthday: z.string().optional(),
  })
  .passthrough();
export type SharedContact = z.infer<typeof sharedContactSchema>;

export const contactsMessageSchema = z
  .object({ ...commonFields, type: z.literal('contacts'), contacts: z.array(sharedContactSchema) })
  .passthrough();

const interactiveSchema = z
  .object({
    /** `button_reply`, `list_reply`, `nfm_reply` (flow); other values are tolerated. */
    type: z.string(),
    button_reply: z.object({ id: z.string().optional(), title: z.string() }).passthrough().optional(),
    list_reply: z
      .object({ id: z.string().optional(), title: z.string(), description: z.string().optional() })
      .passthrough()
      .optional(),
    nfm_reply: z
      .object({
        name: z.string().optional(),
        body: z.string().optional(),
        /** The flow's answers, as a JSON string. */
        response_json: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough()
  .superRefine((value, ctx) => {
    for (const key of ['button_reply', 'list_reply', 'nfm_reply'] as const) {
      if (value.type === key && value[key] === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `is missing for an interactive ${key}` });
      }
    }
  });

export const interactiveMessageSchema = z
  .object({ ...commonFields, type: z.literal('interactive'), interactive: interactiveSchema })
  .passthrough();

/** A tap on a template's quick-reply button. */
export const buttonMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('button'),
    button: z.object({ payload: z.string().optional(), text: z.string() }).passthrough(),
  })
  .passthrough();

export const reactionMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('reaction'),
    /** `emoji` is missing or `""` when the customer removes a reaction. */
    reaction: z.object({ message_id: z.string(), emoji: z.string().nullish() }).passthrough(),
  })
  .passthrough();

export const orderMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('order'),
    order: z
      .object({
        catalog_id: z.string().optional(),
        text: z.string().optional(),
        product_items: z.array(
          z
            .object({
              product_retailer_id: z.string(),
              quantity: numberLike,
              item_price: numberLike,
              currency: z.string(),
            })
            .passthrough(),
        ),
      })
      .passthrough(),
  })
  .passthrough();

export const systemMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('system'),
    system: z
      .object({
        body: z.string().optional(),
        /** The customer's new WhatsApp id, for `user_changed_number`. */
        wa_id: z.string().optional(),
        /** Older API versions named it `new_wa_id`. */
        new_wa_id: z.string().optional(),
        user_id: z.string().optional(),
        type: z.string().optional(),
      })
      .passthrough(),
  })
  .passthrough();

/** A message WhatsApp does not deliver to the API (polls, edits, …); details in `errors[]`. */
export const unsupportedMessageSchema = z
  .object({
    ...commonFields,
    type: z.enum(['unsupported', 'unknown']),
    unsupported: z.object({ type: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

/** The customer deleted a message (numbers in coexistence with the Business app). */
export const revokeMessageSchema = z
  .object({
    ...commonFields,
    type: z.literal('revoke'),
    revoke: z.object({ original_message_id: z.string() }).passthrough(),
  })
  .passthrough();

export const knownMessageSchema = z.discriminatedUnion('type', [
  textMessageSchema,
  imageMessageSchema,
  videoMessageSchema,
  audioMessageSchema,
  documentMessageSchema,
  stickerMessageSchema,
  locationMessageSchema,
  contactsMessageSchema,
  interactiveMessageSchema,
  buttonMessageSchema,
  reactionMessageSchema,
  orderMessageSchema,
  systemMessageSchema,
  unsupportedMessageSchema,
  revokeMessageSchema,
]);

/** A message of a type this code does not know; kept whole, shown as "unsupported type X". */
export const otherMessageSchema = z.object({ ...commonFields, type: z.string().min(1) }).passthrough();

export const KNOWN_MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'unsupported',
  'unknown',
  'revoke',
] as const;
export type KnownMessageType = (typeof KNOWN_MESSAGE_TYPES)[number];
const knownTypes: ReadonlySet<string> = new Set(KNOWN_MESSAGE_TYPES);

export type TextMessage = z.infer<typeof textMessageSchema>;
export type ImageMessage = z.infer<typeof imageMessageSchema>;
export type VideoMessage = z.infer<typeof videoMessageSchema>;
export type AudioMessage = z.infer<typeof audioMessageSchema>;
export type DocumentMessage = z.infer<typeof documentMessageSchema>;
export type StickerMessage = z.infer<typeof stickerMessageSchema>;
export type LocationMessage = z.infer<typeof locationMessageSchema>;
export type ContactsMessage = z.infer<typeof contactsMessageSchema>;
export type InteractiveMessage = z.infer<typeof interactiveMessageSchema>;
export type ButtonMessage = z.infer<typeof buttonMessageSchema>;
export type ReactionMessage = z.infer<typeof reactionMessageSchema>;
export type OrderMessage = z.infer<typeof orderMessageSchema>;
export type SystemMessage = z.infer<typeof systemMessageSchema>;
export type UnsupportedMessage = z.infer<typeof unsupportedMessageSchema>;
export type RevokeMessage = z.infer<typeof revokeMessageSchema>;
export type KnownWhatsAppMessage = z.infer<typeof knownMessageSchema>;
export type OtherWhatsAppMessage = z.infer<typeof otherMessageSchema>;
/**
 * Any inbound message. Narrow with `isKnownMessage(m)` first, then `switch (m.type)`: the
 * `OtherWhatsAppMessage` member has `type: string`, which TypeScript cannot exclude by a
 * comparison alone.
 */
export type WhatsAppMessage = KnownWhatsAppMessage | OtherWhatsAppMessage;

export function isKnownMessage(message: WhatsAppMessage): message is KnownWhatsAppMessage {
  return knownTypes.has(message.type);
}

/**
 * One message of any type: a known type is checked against its own schema (a `text` without a
 * body is invalid); an unknown type only needs the common fields.
 */
export const whatsAppMessageSchema: z.ZodType<WhatsAppMessage, z.ZodTypeDef, unknown> = z
  .unknown()
  .transform((raw, ctx): WhatsAppMessage => {
    const type = isRecord(raw) ? raw.type : undefined;
    const schema = typeof type === 'string' && knownTypes.has(type) ? knownMessageSchema : otherMessageSchema;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue(issue as z.IssueData);
    return z.NEVER;
  });

// ---------------------------------------------------------------------------------------------
// Statuses, contacts, change values
// ---------------------------------------------------------------------------------------------

export const KNOWN_STATUSES = ['sent', 'delivered', 'read', 'failed', 'played', 'deleted'] as const;

export const statusSchema = z
  .object({
    /** The wamid of the message this status is about (one the business sent). */
    id: z.string().min(1),
    /** sent | delivered | read | failed | played (others tolerated). */
    status: z.string().min(1),
    timestamp: unixSeconds,
    recipient_id: z.string().nullish(),
    recipient_user_id: z.string().nullish(),
    biz_opaque_callback_data: z.string().optional(),
    pricing: z
      .object({
        billable: z.boolean().optional(),
        pricing_model: z.string().optional(),
        type: z.string().optional(),
        category: z.string().optional(),
      })
      .passthrough()
      .optional(),
    conversation: z
      .object({
        id: z.string().optional(),
        expiration_timestamp: unixSeconds.optional(),
        origin: z.object({ type: z.string().optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
    errors: z.array(graphErrorSchema).optional(),
  })
  .passthrough();
export type WhatsAppStatus = z.infer<typeof statusSchema>;

export const webhookContactSchema = z
  .object({
    profile: z.object({ name: z.string().nullish(), username: z.string().nullish() }).passthrough().optional(),
    wa_id: z.string().nullish(),
    user_id: z.string().nullish(),
  })
  .passthrough();
export type WebhookContact = z.infer<typeof webhookContactSchema>;

const metadataSchema = z
  .object({ display_phone_number: z.string().optional(), phone_number_id: idString })
  .passthrough();

/** `value` of a `messages` change, fully typed. */
export const messagesValueSchema = z
  .object({
    messaging_product: z.string().optional(),
    metadata: metadataSchema,
    contacts: z.array(webhookContactSchema).optional(),
    messages: z.array(whatsAppMessageSchema).optional(),
    statuses: z.array(statusSchema).optional(),
    errors: z.array(graphErrorSchema).optional(),
  })
  .passthrough();
export type MessagesValue = z.infer<typeof messagesValueSchema>;

/** The same value with its lists left unchecked, so that each item is validated on its own. */
const messagesValueShellSchema = messagesValueSchema.extend({
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

const templateId = z.union([z.number(), z.string()]);

export const templateStatusUpdateValueSchema = z
  .object({
    /** APPROVED, REJECTED, PAUSED, DISABLED, PENDING_DELETION, DELETED, REINSTATED, FLAGGED, … */
    event: z.string(),
    message_template_id: templateId,
    message_template_name: z.string().optional(),
    message_template_language: z.string().optional(),
    reason: z.string().nullish(),
    message_template_category: z.string().optional(),
  })
  .passthrough();
export type TemplateStatusUpdateValue = z.infer<typeof templateStatusUpdateValueSchema>;

export const templateCategoryUpdateValueSchema = z
  .object({
    message_template_id: templateId,
    message_template_name: z.string().optional(),
    message_template_language: z.string().optional(),
    previous_category: z.string().optional(),
    new_category: z.string().optional(),
    correct_category: z.string().optional(),
  })
  .passthrough();
export type TemplateCategoryUpdateValue = z.infer<typeof templateCategoryUpdateValueSchema>;

export const templateQualityUpdateValueSchema = z
  .object({
    message_template_id: templateId,
    message_template_name: z.string().optional(),
    message_template_language: z.string().optional(),
    previous_quality_score: z.string().optional(),
    new_quality_score: z.string().optional(),
  })
  .passthrough();
export type TemplateQualityUpdateValue = z.infer<typeof templateQualityUpdateValueSchema>;

export const TEMPLATE_FIELDS = [
  'message_template_status_update',
  'template_category_update',
  'message_template_quality_update',
] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

const templateValueSchemas = {
  message_template_status_update: templateStatusUpdateValueSchema,
  template_category_update: templateCategoryUpdateValueSchema,
  message_template_quality_update: templateQualityUpdateValueSchema,
} satisfies Record<TemplateField, z.ZodTypeAny>;

export const webhookChangeSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('messages'), value: messagesValueSchema }).passthrough(),
  z.object({ field: z.literal('message_template_status_update'), value: templateStatusUpdateValueSchema }).passthrough(),
  z.object({ field: z.literal('template_category_update'), value: templateCategoryUpdateValueSchema }).passthrough(),
  z.object({ field: z.literal('message_template_quality_update'), value: templateQualityUpdateValueSchema }).passthrough(),
]);
export type WebhookChange = z.infer<typeof webhookChangeSchema>;

/** The whole POST body, fully typed (splitWebhook validates piece by piece instead). */
export const webhookEnvelopeSchema = z
  .object({
    object: z.literal('whatsapp_business_account'),
    entry: z.array(
      z.object({ id: idString, time: z.number().optional(), changes: z.array(webhookChangeSchema) }).passthrough(),
    ),
  })
  .passthrough();
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

// ---------------------------------------------------------------------------------------------
// splitWebhook
// ---------------------------------------------------------------------------------------------

export interface InboundItem {
  /** The wamid. */
  messageId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  /** Digits without `+`; null when Meta gave only a BSUID. */
  waId: string | null;
  /** Business-scoped user id, when Meta gave one. */
  userId: string | null;
  profileName: string | null;
  username: string | null;
  /** Unix seconds, as a number. */
  timestamp: number;
  type: string;
  message: WhatsAppMessage;
}

export interface StatusItem {
  /** The wamid the status is about. */
  statusId: string;
  status: string;
  /** Unix seconds, as a number. */
  timestamp: number;
  recipientWaId: string | null;
  recipientUserId: string | null;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  raw: WhatsAppStatus;
}

export type TemplateEventItem =
  | { field: 'message_template_status_update'; wabaId: string; value: TemplateStatusUpdateValue }
  | { field: 'template_category_update'; wabaId: string; value: TemplateCategoryUpdateValue }
  | { field: 'message_template_quality_update'; wabaId: string; value: TemplateQualityUpdateValue };

/** `value.errors[]` of a messages change: a problem Meta reports about the number or app. */
export interface WebhookErrorItem {
  path: string;
  phoneNumberId: string;
  wabaId: string;
  error: WhatsAppError;
}

export interface InvalidItem {
  /** Where in the POST, e.g. `entry[0].changes[1]` or `entry[0].changes[0].value.messages[2]`. */
  path: string;
  /** What did not fit, in plain words. */
  reason: string;
  raw: unknown;
}

export interface SplitResult {
  messages: InboundItem[];
  statuses: StatusItem[];
  templateEvents: TemplateEventItem[];
  errors: WebhookErrorItem[];
  invalid: InvalidItem[];
}

/**
 * Validates and flattens one webhook POST (already parsed JSON, after the signature check).
 * Never throws: whatever does not fit is listed in `invalid` with its path and the reason,
 * and every valid item around it is still returned.
 */
export function splitWebhook(payload: unknown): SplitResult {
  const result: SplitResult = { messages: [], statuses: [], templateEvents: [], errors: [], invalid: [] };
  try {
    splitInto(payload, result);
  } catch (error) {
    // Unreachable by design; the promise "never throws" must hold even against a bug here.
    result.invalid.push({ path: 'body', reason: `could not be read: ${String(error)}`, raw: payload });
  }
  return result;
}

function splitInto(payload: unknown, out: SplitResult): void {
  if (!isRecord(payload)) {
    out.invalid.push({
      path: 'body',
      reason: `the body should be a JSON object, got ${describe(payload)}`,
      raw: payload,
    });
    return;
  }
  if (payload.object !== 'whatsapp_business_account') {
    out.invalid.push({
      path: 'body',
      reason:
        payload.object === undefined
          ? 'the body has no "object" field; a WhatsApp webhook has object "whatsapp_business_account"'
          : `the body's "object" is ${JSON.stringify(payload.object)}, not "whatsapp_business_account" ` +
            '(a webhook of another Meta product subscribed to this URL?)',
      raw: payload,
    });
    return;
  }
  if (!Array.isArray(payload.entry)) {
    out.invalid.push({ path: 'entry', reason: `"entry" should be a list, got ${describe(payload.entry)}`, raw: payload });
    return;
  }

  payload.entry.forEach((entry, e) => {
    const entryPath = `entry[${e}]`;
    if (!isRecord(entry)) {
      out.invalid.push({ path: entryPath, reason: `should be an object, got ${describe(entry)}`, raw: entry });
      return;
    }
    const wabaId = typeof entry.id === 'string' || typeof entry.id === 'number' ? String(entry.id) : '';
    if (wabaId === '' || !Array.isArray(entry.changes)) {
      out.invalid.push({
        path: entryPath,
        reason: wabaId === '' ? 'the entry has no "id" (the WhatsApp Business Account id)' : `"changes" should be a list, got ${describe(entry.changes)}`,
        raw: entry,
      });
      return;
    }
    entry.changes.forEach((change, c) => splitChange(change, `${entryPath}.changes[${c}]`, wabaId, out));
  });
}

function splitChange(change: unknown, path: string, wabaId: string, out: SplitResult): void {
  if (!isRecord(change)) {
    out.invalid.push({ path, reason: `should be an object, got ${describe(change)}`, raw: change });
    return;
  }
  const field = change.field;
  if (field === 'messages') return splitMessagesValue(change, path, wabaId, out);
  if (typeof field === 'string' && field in templateValueSchemas) {
    const templateField = field as TemplateField;
    const parsed = templateValueSchemas[templateField].safeParse(change.value);
    if (!parsed.success) {
      out.invalid.push({ path, reason: summariseIssues(parsed.error, 'value'), raw: change });
      return;
    }
    out.templateEvents.push({ field: templateField, wabaId, value: parsed.data } as TemplateEventItem);
    return;
  }
  out.invalid.push({
    path,
    reason:
      typeof field === 'string'
        ? `the field "${field}" is not handled by the bridge (expected "messages" or a template update); ` +
          'unsubscribe it in the Meta app, or add support for it'
        : 'the change has no "field"',
    raw: change,
  });
}

function splitMessagesValue(change: Record<string, unknown>, path: string, wabaId: string, out: SplitResult): void {
  const shell = messagesValueShellSchema.safeParse(change.value);
  if (!shell.success) {
    out.invalid.push({ path, reason: summariseIssues(shell.error, 'value'), raw: change });
    return;
  }
  const value = shell.data;
  const phoneNumberId = value.metadata.phone_number_id;
  const displayPhoneNumber = value.metadata.display_phone_number ?? '';
  const valuePath = `${path}.value`;

  const contacts: WebhookContact[] = [];
  (value.contacts ?? []).forEach((raw, i) => {
    const parsed = webhookContactSchema.safeParse(raw);
    if (parsed.success) contacts.push(parsed.data);
    else out.invalid.push({ path: `${valuePath}.contacts[${i}]`, reason: summariseIssues(parsed.error), raw });
  });

  (value.messages ?? []).forEach((raw, i) => {
    const parsed = whatsAppMessageSchema.safeParse(raw);
    if (!parsed.success) {
      out.invalid.push({ path: `${valuePath}.messages[${i}]`, reason: summariseIssues(parsed.error), raw });
      return;
    }
    const message = parsed.data;
    const contact = contactFor(message, contacts);
    out.messages.push({
      messageId: message.id,
      phoneNumberId,
      displayPhoneNumber,
      wabaId,
      waId: nonEmpty(message.from) ?? nonEmpty(contact?.wa_id),
      userId: nonEmpty(message.from_user_id) ?? nonEmpty(contact?.user_id),
      profileName: nonEmpty(contact?.profile?.name),
      username: nonEmpty(contact?.profile?.username),
      timestamp: Number(message.timestamp),
      type: message.type,
      message,
    });
  });

  (value.statuses ?? []).forEach((raw, i) => {
    const parsed = statusSchema.safeParse(raw);
    if (!parsed.success) {
      out.invalid.push({ path: `${valuePath}.statuses[${i}]`, reason: summariseIssues(parsed.error), raw });
      return;
    }
    const status = parsed.data;
    out.statuses.push({
      statusId: status.id,
      status: status.status,
      timestamp: Number(status.timestamp),
      recipientWaId: nonEmpty(status.recipient_id),
      recipientUserId: nonEmpty(status.recipient_user_id),
      phoneNumberId,
      displayPhoneNumber,
      wabaId,
      raw: status,
    });
  });

  (value.errors ?? []).forEach((raw, i) => {
    const parsed = graphErrorSchema.safeParse(raw);
    if (parsed.success) out.errors.push({ path: `${valuePath}.errors[${i}]`, phoneNumberId, wabaId, error: parsed.data });
    else out.invalid.push({ path: `${valuePath}.errors[${i}]`, reason: summariseIssues(parsed.error), raw });
  });
}

/**
 * The contact entry describing the sender: matched on wa_id or BSUID; when nothing matches and
 * the change carries a single contact, that one (Meta sends one contact per message change, and
 * warns that a wa_id may differ from the `from` number). `system` messages have no contact.
 */
function contactFor(message: WhatsAppMessage, contacts: WebhookContact[]): WebhookContact | null {
  if (message.type === 'system' || contacts.length === 0) return null;
  const from = nonEmpty(message.from);
  const userId = nonEmpty(message.from_user_id);
  const match = contacts.find(
    (c) => (from !== null && nonEmpty(c.wa_id) === from) || (userId !== null && nonEmpty(c.user_id) === userId),
  );
  if (match) return match;
  return contacts.length === 1 ? contacts[0] : null;
}

// ---------------------------------------------------------------------------------------------
// Plain-words summaries of zod issues
// ---------------------------------------------------------------------------------------------

const MAX_ISSUES = 5;

/** e.g. `text.body is missing; timestamp should be Unix seconds (digits)`. */
export function summariseIssues(error: z.ZodError, prefix?: string): string {
  const parts = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const where = formatPath([...(prefix ? [prefix] : []), ...issue.path]);
    return where ? `${where} ${describeIssue(issue)}` : describeIssue(issue);
  });
  const more = error.issues.length - MAX_ISSUES;
  return parts.join('; ') + (more > 0 ? `; and ${more} more problem(s)` : '');
}

function describeIssue(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' ? 'is missing' : `should be ${article(issue.expected)}, got ${issue.received}`;
    case 'invalid_literal':
      return `should be ${JSON.stringify(issue.expected)}, got ${JSON.stringify(issue.received)}`;
    case 'invalid_union_discriminator':
      return `has an unexpected value (expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')})`;
    case 'invalid_enum_value':
      return `is ${JSON.stringify(issue.received)}, expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'too_small':
      return issue.type === 'string' && issue.minimum === 1 ? 'should not be empty' : issue.message.toLowerCase();
    case 'invalid_union': {
      // e.g. number-or-string: say "is missing" / "should be a number or a string, got boolean".
      const typeIssues = issue.unionErrors.map((e) => e.issues).flat();
      const sameSpot = typeIssues.every((i) => i.code === 'invalid_type' && i.path.length === issue.path.length);
      if (sameSpot && typeIssues.length > 0) {
        const received = (typeIssues[0] as z.ZodInvalidTypeIssue).received;
        if (received === 'undefined') return 'is missing';
        const expected = [...new Set(typeIssues.map((i) => article((i as z.ZodInvalidTypeIssue).expected)))];
        return `should be ${expected.join(' or ')}, got ${received}`;
      }
      return 'does not match any accepted form';
    }
    default:
      return issue.message;
  }
}

function formatPath(path: (string | number)[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: string | null | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
