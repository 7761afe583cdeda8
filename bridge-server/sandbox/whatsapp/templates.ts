/**
 * The simulated WABA's message templates: a realistic seed (several languages and categories,
 * positional and named parameters, TEXT / IMAGE / DOCUMENT headers, footers, QUICK_REPLY, URL
 * with a variable, PHONE_NUMBER and COPY_CODE buttons; one PAUSED, one REJECTED, one PENDING),
 * methods to add or change templates as Meta would, and the template webhook Meta sends.
 *
 *   sandbox.templates.upsert({ name: 'x', language: 'en_US', … });
 *   const envelope = sandbox.templates.setStatus('order_update', 'en_US', 'PAUSED', 'LOW_QUALITY');
 *   await stack.send(envelope);        // or sandbox.emitTemplateStatus(webhookUrl, …)
 *
 * Plain data, kept apart from the bridge's own template code so the simulator checks the
 * bridge rather than agreeing with it.
 */
import { templateEnvelope, type MetaEnvelope } from './phone';

export interface SandboxTemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'GIF' | 'DOCUMENT' | 'LOCATION';
  text?: string;
  example?: Record<string, unknown>;
  buttons?: { type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE' | 'OTP'; text?: string; url?: string; phone_number?: string; example?: string[] | string }[];
}

export interface SandboxTemplate {
  id: string;
  name: string;
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL' | (string & {});
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  parameter_format: 'POSITIONAL' | 'NAMED';
  components: SandboxTemplateComponent[];
  quality_score: { score: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN'; date: number };
  rejected_reason?: string;
}

export type NewTemplate = Omit<SandboxTemplate, 'id' | 'quality_score' | 'parameter_format'> & Partial<Pick<SandboxTemplate, 'id' | 'quality_score' | 'parameter_format'>>;

export class SandboxTemplates {
  private readonly byId = new Map<string, SandboxTemplate>();
  private nextId = 900000000000001;
  /** The id the next new template gets (after the highest one seen, restored ones included). */
  get nextTemplateId(): string {
    return String(this.nextId);
  }

  constructor(
    private readonly wabaId: string,
    private readonly now: () => number,
    seed: NewTemplate[] = SEED_TEMPLATES,
  ) {
    for (const t of seed) this.upsert(t);
  }

  /** All templates in creation order (the order Meta pages them in here). */
  list(): SandboxTemplate[] {
    return [...this.byId.values()];
  }

  find(name: string, language: string): SandboxTemplate | undefined {
    return this.list().find((t) => t.name === name && t.language === language);
  }

  /** Adds a template, or replaces the one with the same name and language (keeping its id). */
  upsert(t: NewTemplate): SandboxTemplate {
    const existing = this.find(t.name, t.language);
    const stored: SandboxTemplate = {
      ...t,
      id: t.id ?? existing?.id ?? String(this.nextId++),
      parameter_format: t.parameter_format ?? (t.components.some((c) => /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/.test(c.text ?? '')) ? 'NAMED' : 'POSITIONAL'),
      quality_score: t.quality_score ?? { score: 'UNKNOWN', date: Math.floor(this.now() / 1000) },
    };
    // A template restored from a snapshot (or given an id) moves the counter past it, so a
    // template created later never takes the id of one that already exists.
    const numeric = Number(stored.id);
    if (Number.isSafeInteger(numeric) && numeric >= this.nextId) this.nextId = numeric + 1;
    this.byId.set(stored.id, stored);
    return stored;
  }

  remove(name: string, language: string): boolean {
    const t = this.find(name, language);
    return t ? this.byId.delete(t.id) : false;
  }

  /**
   * Changes a template's status as Meta's review or quality system does, and returns the
   * `message_template_status_update` webhook Meta sends about it.
   */
  setStatus(name: string, language: string, event: string, reason: string = 'NONE'): MetaEnvelope {
    const t = this.require(name, language);
    t.status = event === 'REINSTATED' ? 'APPROVED' : event;
    if (event === 'REJECTED') t.rejected_reason = reason;
    return templateEnvelope(
      'message_template_status_update',
      { event, message_template_id: Number(t.id), message_template_name: t.name, message_template_language: t.language, reason, message_template_category: t.category },
      { wabaId: this.wabaId },
    );
  }

  /** Meta recategorised the template; returns the `template_category_update` webhook. */
  setCategory(name: string, language: string, category: SandboxTemplate['category']): MetaEnvelope {
    const t = this.require(name, language);
    const previous = t.category;
    t.category = category;
    return templateEnvelope('template_category_update', { message_template_id: Number(t.id), message_template_name: t.name, message_template_language: t.language, previous_category: previous, new_category: category }, { wabaId: this.wabaId });
  }

  /** The quality rating changed; returns the `message_template_quality_update` webhook. */
  setQuality(name: string, language: string, score: SandboxTemplate['quality_score']['score']): MetaEnvelope {
    const t = this.require(name, language);
    const previous = t.quality_score.score;
    t.quality_score = { score, date: Math.floor(this.now() / 1000) };
    return templateEnvelope('message_template_quality_update', { message_template_id: Number(t.id), message_template_name: t.name, message_template_language: t.language, previous_quality_score: previous, new_quality_score: score }, { wabaId: this.wabaId });
  }

  private require(name: string, language: string): SandboxTemplate {
    const t = this.find(name, language);
    if (!t) throw new Error(`The sandbox has no template "${name}" in ${language}.`);
    return t;
  }
}

const footerOptOut = { type: 'FOOTER', text: 'Reply STOP to stop these messages' } as const;

/** What a small shop's WABA typically holds. */
export const SEED_TEMPLATES: NewTemplate[] = [
  {
    name: 'order_update',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    quality_score: { score: 'GREEN', date: 1767225600 },
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#48213'] } },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped and should arrive on {{3}}.', example: { body_text: [['Anna', '#48213', 'May 14']] } },
      footerOptOut,
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track order', url: 'https://shop.example.com/track/{{1}}', example: ['https://shop.example.com/track/48213'] }, { type: 'QUICK_REPLY', text: 'Talk to an agent' }] },
    ],
  },
  {
    name: 'order_update',
    language: 'it',
    status: 'APPROVED',
    category: 'UTILITY',
    quality_score: { score: 'GREEN', date: 1767225600 },
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Ordine {{1}}', example: { header_text: ['#48213'] } },
      { type: 'BODY', text: 'Ciao {{1}}, il tuo ordine {{2}} è stato spedito e dovrebbe arrivare il {{3}}.', example: { body_text: [['Giulia', '#48213', '14 maggio']] } },
      { type: 'FOOTER', text: 'Rispondi STOP per non ricevere più messaggi' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Traccia ordine', url: 'https://shop.example.com/track/{{1}}', example: ['https://shop.example.com/track/48213'] }, { type: 'QUICK_REPLY', text: 'Parla con un operatore' }] },
    ],
  },
  {
    name: 'order_update',
    language: 'pt_BR',
    status: 'APPROVED',
    category: 'UTILITY',
    quality_score: { score: 'GREEN', date: 1767225600 },
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}', example: { header_text: ['#48213'] } },
      { type: 'BODY', text: 'Olá {{1}}, seu pedido {{2}} foi enviado e deve chegar em {{3}}.', example: { body_text: [['João', '#48213', '14 de maio']] } },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Rastrear pedido', url: 'https://shop.example.com/track/{{1}}', example: ['https://shop.example.com/track/48213'] }] },
    ],
  },
  {
    name: 'delivery_update',
    language: 'zh_CN',
    status: 'APPROVED',
    category: 'UTILITY',
    quality_score: { score: 'GREEN', date: 1767225600 },
    components: [
      { type: 'BODY', text: '{{1}}，您好！您的订单 {{2}} 已发货，预计 {{3}} 送达。', example: { body_text: [['陈先生', '#48213', '5月14日']] } },
      { type: 'FOOTER', text: '回复 STOP 退订' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: '查看物流', url: 'https://shop.example.com/cn/track/{{1}}', example: ['https://shop.example.com/cn/track/48213'] }] },
    ],
  },
  {
    name: 'appointment_reminder',
    language: 'es',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    quality_score: { score: 'GREEN', date: 1767225600 },
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://cdn.example.com/clinic.jpg'] } },
      {
        type: 'BODY',
        text: 'Hola {{customer_name}}, te recordamos tu cita el {{date}} a las {{time}}. ¿Nos confirmas tu asistencia?',
        example: { body_text_named_params: [{ param_name: 'customer_name', example: 'Lucía' }, { param_name: 'date', example: '14 de mayo' }, { param_name: 'time', example: '10:30' }] },
      },
      { type: 'FOOTER', text: 'Clínica Example' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Confirmar' }, { type: 'QUICK_REPLY', text: 'Cambiar cita' }, { type: 'PHONE_NUMBER', text: 'Llamar', phone_number: '+34910000000' }] },
    ],
  },
  {
    name: 'invoice_ready',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    quality_score: { score: 'GREEN', date: 1767225600 },
    components: [
      { type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['https://cdn.example.com/invoice.pdf'] } },
      { type: 'BODY', text: 'Hello {{1}}, your invoice {{2}} for {{3}} is attached. Thank you for your business!', example: { body_text: [['Anna', 'INV-2026-0042', '€129.00']] } },
      { type: 'FOOTER', text: 'Example Shop · Billing' },
    ],
  },
  {
    name: 'spring_sale',
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    parameter_format: 'NAMED',
    quality_score: { score: 'YELLOW', date: 1767225600 },
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://cdn.example.com/spring.png'] } },
      { type: 'BODY', text: '{{first_name}}, enjoy {{discount}} off everything until Sunday! 🌷', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Anna' }, { param_name: 'discount', example: '25%' }] } },
      footerOptOut,
      { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SPRING25' }, { type: 'URL', text: 'Shop now', url: 'https://shop.example.com/sale' }] },
    ],
  },
  {
    name: 'support_followup',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    quality_score: { score: 'GREEN', date: 1767225600 },
    components: [
      { type: 'BODY', text: 'Thanks for contacting us! Is there anything else we can help you with?' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Yes, please' }, { type: 'QUICK_REPLY', text: 'No, thanks' }] },
    ],
  },
  {
    name: 'welcome_back',
    language: 'it',
    status: 'PAUSED',
    category: 'MARKETING',
    quality_score: { score: 'RED', date: 1767225600 },
    components: [{ type: 'BODY', text: 'Bentornato {{1}}! Abbiamo nuove offerte per te.', example: { body_text: [['Marco']] } }],
  },
  {
    name: 'summer_promo',
    language: 'en_US',
    status: 'REJECTED',
    category: 'MARKETING',
    rejected_reason: 'PROMOTIONAL',
    components: [{ type: 'BODY', text: 'WIN BIG!!! {{1}} prizes waiting for you', example: { body_text: [['100']] } }],
  },
  {
    name: 'feedback_request',
    language: 'en_US',
    status: 'PENDING',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hi {{1}}, how did we do? Reply with a number from 1 to 5.', example: { body_text: [['Anna']] } }],
  },
];

/**
 * A LOCATION-header template and a copy-code authentication (one-time password) template, the
 * two kinds whose parameters differ most from text. Not in the default seed (the sidebar's
 * browser tests count its templates); pass `templates: [...SEED_TEMPLATES,
 * ...LOCATION_AND_OTP_TEMPLATES]` to the sandbox to have them.
 */
export const LOCATION_AND_OTP_TEMPLATES: NewTemplate[] = [
  {
    name: 'store_pickup',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    quality_score: { score: 'GREEN', date: 1767225600 },
    components: [
      { type: 'HEADER', format: 'LOCATION' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} is ready for pickup at this store.', example: { body_text: [['Anna', '#48213']] } },
      { type: 'FOOTER', text: 'Example Shop' },
    ],
  },
  {
    // As Meta returns a copy-code authentication template: the OTP button reads back as a URL
    // button to WhatsApp's OTP link, whose {{1}} is the code.
    name: 'login_code',
    language: 'en_US',
    status: 'APPROVED',
    category: 'AUTHENTICATION',
    quality_score: { score: 'GREEN', date: 1767225600 },
    components: [
      { type: 'BODY', text: '*{{1}}* is your verification code. For your security, do not share this code.', example: { body_text: [['482913']] } },
      { type: 'FOOTER', text: 'This code expires in 10 minutes.' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code_expiration_minutes=10&code=otp{{1}}', example: ['https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code_expiration_minutes=10&code=otp482913'] }] },
    ],
  },
];
