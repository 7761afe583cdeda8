/**
 * The Graph API calls for message templates: list every template of the WABA (all pages) and
 * send one to a customer. Meta's shapes live here (zod, tolerant of fields Meta adds); the
 * domain (sync, validation, rendering) works on the parsed `GraphTemplate`.
 *
 * `sendTemplate` is the bridge's one way of putting a template on the wire; when the outbound
 * side grows a general `sendMessage`, this can delegate to it without changing its callers.
 */
import { z } from 'zod';
import { GraphError, graphFetch, type GraphTransport } from './graph-client';
import { addressOf, type Recipient } from './messages';

// ---------------------------------------------------------------------------------------------
// Meta's template shape
// ---------------------------------------------------------------------------------------------

const namedExample = z.object({ param_name: z.string(), example: z.string().optional() }).passthrough();

export const templateButtonSchema = z
  .object({
    type: z.string(), // QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP, FLOW, …
    text: z.string().optional(),
    url: z.string().optional(),
    phone_number: z.string().optional(),
    example: z.union([z.array(z.string()), z.string()]).optional(),
  })
  .passthrough();
export type TemplateButton = z.infer<typeof templateButtonSchema>;

export const templateComponentSchema = z
  .object({
    type: z.string(), // HEADER, BODY, FOOTER, BUTTONS (Meta spells them upper case)
    format: z.string().optional(), // HEADER: TEXT, IMAGE, VIDEO, GIF, DOCUMENT, LOCATION
    text: z.string().optional(),
    example: z
      .object({
        header_text: z.array(z.string()).optional(),
        header_text_named_params: z.array(namedExample).optional(),
        header_handle: z.array(z.string()).optional(),
        body_text: z.array(z.array(z.string())).optional(),
        body_text_named_params: z.array(namedExample).optional(),
      })
      .passthrough()
      .optional(),
    buttons: z.array(templateButtonSchema).optional(),
  })
  .passthrough();
export type TemplateComponent = z.infer<typeof templateComponentSchema>;

export const graphTemplateSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    name: z.string(),
    language: z.string(),
    status: z.string(),
    category: z.string(),
    parameter_format: z.string().optional(),
    components: z.array(templateComponentSchema).default([]),
    quality_score: z.object({ score: z.string() }).passthrough().nullish(),
    rejected_reason: z.string().nullish(),
  })
  .passthrough();
export type GraphTemplate = z.infer<typeof graphTemplateSchema>;

const templatePageSchema = z.object({
  data: z.array(z.unknown()),
  paging: z
    .object({
      cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).partial().optional(),
      next: z.string().optional(),
    })
    .passthrough()
    .optional(),
});

export const TEMPLATE_FIELDS = 'name,language,status,category,parameter_format,components,quality_score,rejected_reason';

// ---------------------------------------------------------------------------------------------
// The calls
// ---------------------------------------------------------------------------------------------

export interface TemplatesApiOptions extends GraphTransport {
  graphUrl: string;
  apiVersion: string;
  /** Templates per page (Meta allows up to a few hundred; 100 keeps pages small). */
  pageSize?: number;
  /** Stop after this many pages: a guard against a paging loop, never reached in practice. */
  maxPages?: number;
}

export interface FetchedTemplates {
  templates: GraphTemplate[];
  pages: number;
  /** Items Meta returned that did not parse, with the reason (kept out of the store). */
  skipped: { index: number; reason: string }[];
}

/** The template the Graph API receives inside a `type: template` message. */
export interface TemplateMessagePayload {
  name: string;
  language: { code: string; policy?: 'deterministic' };
  components?: Record<string, unknown>[];
}

export type { Recipient };

export interface SentMessage {
  messageId: string;
  /** `accepted`, or `held_for_quality_assessment` for some marketing templates. */
  messageStatus: string;
  waId: string | null;
}

export class TemplatesApi {
  constructor(private readonly o: TemplatesApiOptions) {}

  private get base() {
    return `${this.o.graphUrl}/${this.o.apiVersion}`;
  }

  /** Every template of the WABA, following `paging.next` (or the `after` cursor) to the end. */
  async fetchAll(wabaId: string): Promise<FetchedTemplates> {
    const first = `${this.base}/${encodeURIComponent(wabaId)}/message_templates?${new URLSearchParams({ fields: TEMPLATE_FIELDS, limit: String(this.o.pageSize ?? 100) })}`;
    const out: FetchedTemplates = { templates: [], pages: 0, skipped: [] };
    let url: string | null = first;
    const seen = new Set<string>();
    while (url) {
      if (seen.has(url) || out.pages >= (this.o.maxPages ?? 200)) {
        throw new GraphError(`The template list did not end after ${out.pages} pages (paging loops); the last page was ${url}`, null, null);
      }
      seen.add(url);
      const res = await this.call(url, 'list templates', { method: 'GET' });
      const page = templatePageSchema.safeParse(await res.json().catch(() => null));
      if (!page.success) throw new GraphError('The template list from the Graph API is not in the expected shape ({data, paging})', res.status, null);
      out.pages++;
      for (const item of page.data.data) {
        const parsed = graphTemplateSchema.safeParse(item);
        if (parsed.success) out.templates.push(parsed.data);
        else out.skipped.push({ index: out.templates.length + out.skipped.length, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      }
      const paging = page.data.paging;
      // Meta includes `next` only while there are more pages.
      url = page.data.data.length > 0 && paging?.next ? paging.next : null;
    }
    return out;
  }

  /**
   * Sends a template message; a 200 means Meta accepted it (delivery comes as status webhooks).
   * `callbackData` goes out as `biz_opaque_callback_data` and comes back in every status of the
   * message: when the answer is lost, a status still tells which send it belongs to.
   */
  async sendTemplate(phoneNumberId: string, recipient: Recipient, template: TemplateMessagePayload, opts: { callbackData?: string } = {}): Promise<SentMessage> {
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      ...addressOf(recipient),
      type: 'template',
      template,
      ...(opts.callbackData ? { biz_opaque_callback_data: opts.callbackData } : {}),
    };
    const res = await this.call(`${this.base}/${encodeURIComponent(phoneNumberId)}/messages`, 'send template', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => null)) as { contacts?: { wa_id?: string }[]; messages?: { id?: string; message_status?: string }[] } | null;
    const messageId = json?.messages?.[0]?.id;
    if (!messageId) throw new GraphError('The Graph API accepted the template but returned no message id', res.status, null, json);
    return { messageId, messageStatus: json?.messages?.[0]?.message_status ?? 'accepted', waId: json?.contacts?.[0]?.wa_id ?? null };
  }

  private call(url: string, what: string, init: RequestInit): Promise<globalThis.Response> {
    return graphFetch(this.o, url, what, init);
  }
}
