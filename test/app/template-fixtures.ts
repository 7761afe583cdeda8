/**
 * Templates as the bridge's GET /api/v1/templates describes them, and a fake bridge whose
 * preview answers come from the bridge's own validator and renderer
 * (bridge-server/sync/template-render.ts), so the sidebar is tested against the real rules, not
 * against what the test author remembers of them.
 */
import { resolveLocale, translator } from '../../bridge-server/i18n';
import { chooseTemplate, renderTemplate, templateVariables, validateTemplateValues, type TemplateDefinition } from '../../bridge-server/sync/template-render';
import { bridgeFailure, bridgeRoutes, conversationBody, ok, type BridgeRoutes } from '../helpers/fake-zaf-client';
import type { ZafRequestOptions, ZafResponse } from '../../app/lib/zaf-client';

let nextId = 900000000000001;

function definition(partial: Partial<TemplateDefinition> & Pick<TemplateDefinition, 'name' | 'language' | 'components'>): TemplateDefinition {
  return { id: String(nextId++), status: 'APPROVED', category: 'UTILITY', parameterFormat: 'POSITIONAL', qualityScore: 'GREEN', rejectedReason: null, ...partial };
}

export const ORDER_UPDATE_IT = definition({
  name: 'order_update',
  language: 'it',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Ordine {{1}}', example: { header_text: ['#48213'] } },
    { type: 'BODY', text: 'Ciao {{1}}, il tuo ordine *{{2}}* è stato _spedito_ e arriva il {{3}}. ~Prima~ ```CODICE-1```', example: { body_text: [['Giulia', '#48213', '14 maggio']] } },
    { type: 'FOOTER', text: 'Rispondi STOP per non ricevere più messaggi' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Traccia ordine', url: 'https://shop.example.com/track/{{1}}', example: ['https://shop.example.com/track/48213'] },
        { type: 'QUICK_REPLY', text: 'Parla con un operatore' },
      ],
    },
  ],
});

export const ORDER_UPDATE_EN = definition({
  name: 'order_update',
  language: 'en',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
    { type: 'BODY', text: 'Hi {{1}}, your order *{{2}}* has shipped and arrives on {{3}}.' },
    { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track order', url: 'https://shop.example.com/track/{{1}}' }] },
  ],
});

export const WELCOME_PT_BR = definition({
  name: 'boas_vindas',
  language: 'pt_BR',
  category: 'MARKETING',
  parameterFormat: 'NAMED',
  components: [
    { type: 'BODY', text: 'Olá {{first_name}}! 😀 Seu pedido {{order_id}} chegou.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }, { param_name: 'order_id', example: '77' }] } },
  ],
});

export const PROMO_ZH_CN = definition({
  name: 'spring_promo',
  language: 'zh_CN',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.example/handle.jpg'] } },
    { type: 'BODY', text: '你好 {{1}}，春季特惠开始了！🌸' },
    { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', text: '复制优惠码', example: ['SPRING25'] }] },
  ],
});

export const ARABIC = definition({
  name: 'order_ready_ar',
  language: 'ar',
  components: [
    { type: 'BODY', text: 'مرحبا {{1}}، طلبك جاهز للاستلام.' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'نعم' }, { type: 'QUICK_REPLY', text: 'لا' }, { type: 'QUICK_REPLY', text: 'لاحقاً' }, { type: 'PHONE_NUMBER', text: 'اتصل بنا', phone_number: '+971500000000' }] },
  ],
});

export const SUMMER_SALE_PAUSED = definition({
  name: 'summer_sale',
  language: 'en',
  category: 'MARKETING',
  status: 'PAUSED',
  qualityScore: 'RED',
  components: [{ type: 'BODY', text: 'Summer sale: 30% off for {{1}}!' }],
});

export const REJECTED_IT = definition({
  name: 'promo_aggressiva',
  language: 'it',
  category: 'MARKETING',
  status: 'REJECTED',
  rejectedReason: 'PROMOTIONAL',
  components: [{ type: 'BODY', text: 'Compra ora!' }],
});

export const STORE_PICKUP = definition({
  name: 'store_pickup',
  language: 'it',
  components: [
    { type: 'HEADER', format: 'LOCATION' },
    { type: 'BODY', text: 'Il tuo ordine {{1}} ti aspetta qui.' },
  ],
});

export const ALL_TEMPLATES = [ORDER_UPDATE_IT, ORDER_UPDATE_EN, WELCOME_PT_BR, PROMO_ZH_CN, ARABIC, SUMMER_SALE_PAUSED, REJECTED_IT];

/** The app API's description of a template (bridge-server/http/app-api.ts, `describe`). */
export function describeTemplate(t: TemplateDefinition) {
  const body = t.components.find((c) => c.type === 'BODY');
  const variables = templateVariables(t);
  const examples = Object.fromEntries(variables.filter((v) => v.example && v.kind !== 'image' && v.kind !== 'video' && v.kind !== 'document').map((v) => [v.key, v.example as string]));
  return {
    id: t.id,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    canSend: t.status === 'APPROVED',
    quality: t.qualityScore,
    rejectedReason: t.rejectedReason,
    parameterFormat: t.parameterFormat,
    text: body?.text ?? '',
    variables,
    preview: renderTemplate(t, examples),
    components: t.components,
  };
}

export function templateList(templates: TemplateDefinition[], extra: Record<string, unknown> = {}) {
  return { templates: templates.map(describeTemplate), syncedAt: '2026-05-12T09:00:00.000Z', syncConfigured: true, lastSyncError: null, ...extra };
}

function localeOf(request: ZafRequestOptions) {
  return resolveLocale(new URL(request.url.replace('{{setting.bridgeUrl}}', 'https://bridge.test')).searchParams.get('locale') ?? 'en');
}

/** POST /templates/preview exactly as the bridge answers it (always 200). */
export function previewAnswer(templates: TemplateDefinition[], request: ZafRequestOptions, body: { name: string; language: string; values: Record<string, any> }): ZafResponse {
  const t = translator(localeOf(request));
  const choice = chooseTemplate(templates, body.name, body.language, t);
  if (!choice.template) return ok({ valid: false, errors: choice.errors, rendered: null, variables: [] });
  const errors = [...choice.errors, ...validateTemplateValues(choice.template, body.values, t)];
  return ok({ valid: errors.length === 0, errors, rendered: renderTemplate(choice.template, body.values), variables: templateVariables(choice.template) });
}

export interface FakeBridgeOptions {
  templates?: TemplateDefinition[];
  /** Minutes since the customer's last message (null: never wrote). */
  minutesAgo?: number | null;
  conversation?: Record<string, unknown>;
  list?: BridgeRoutes['templates'];
  send?: BridgeRoutes['send'];
  preview?: BridgeRoutes['preview'];
  sync?: BridgeRoutes['sync'];
}

/** A bridge with a conversation, templates, a faithful preview and a send that answers 201. */
export function fakeBridge({ templates = ALL_TEMPLATES, minutesAgo = 30, conversation, list, send, preview, sync }: FakeBridgeOptions = {}) {
  return bridgeRoutes({
    conversation: () => ok(conversationBody(minutesAgo, conversation)),
    templates: list ?? (() => ok(templateList(templates))),
    preview: preview ?? ((request, body) => previewAnswer(templates, request, body)),
    send: send ?? (() => ok({ id: 'send-1', messageId: 'wamid.SENT1', status: 'accepted', ticketComment: 'added', rendered: '…', replayed: false }, 201)),
    sync: sync ?? (() => ok({ fetched: 0, pages: 1, added: 0, updated: 0, removed: 0, skipped: 0, syncedAt: '2026-05-12T09:31:00.000Z' })),
  });
}

export { bridgeFailure };
