/**
 * A template message as the customer's phone shows it: the WABA's template with the values the
 * business sent put in place of `{{1}}` / `{{name}}`. Done from Meta's send body and the
 * simulator's own templates, not with the bridge's code, so the console shows what the customer
 * really got.
 */
import type { SandboxTemplates } from '../whatsapp/templates';

export interface RenderedTemplate {
  name: string;
  language: string;
  header: { text: string | null; media: string | null } | null;
  body: string;
  footer: string | null;
  buttons: string[];
}

interface SendParameter {
  type?: string;
  text?: string;
  parameter_name?: string;
  coupon_code?: string;
  image?: { link?: string; id?: string };
  video?: { link?: string; id?: string };
  document?: { link?: string; id?: string; filename?: string };
}
interface SendComponent {
  type?: string;
  sub_type?: string;
  index?: number | string;
  parameters?: SendParameter[];
}

function fill(text: string, parameters: SendParameter[] = []): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, key: string) => {
    const byName = parameters.find((p) => p.parameter_name === key);
    const byPosition = /^\d+$/.test(key) ? parameters[Number(key) - 1] : undefined;
    const p = byName ?? byPosition;
    return p?.text ?? whole;
  });
}

export function renderTemplate(templates: SandboxTemplates, sent: unknown): RenderedTemplate {
  const t = (sent ?? {}) as { name?: string; language?: { code?: string }; components?: SendComponent[] };
  const name = t.name ?? '(unnamed)';
  const language = t.language?.code ?? '';
  const template = templates.find(name, language);
  const sentPart = (type: string) => (t.components ?? []).find((c) => c.type?.toLowerCase() === type);
  if (!template) return { name, language, header: null, body: `Template ${name} (${language})`, footer: null, buttons: [] };
  const header = template.components.find((c) => c.type === 'HEADER');
  const body = template.components.find((c) => c.type === 'BODY');
  const footer = template.components.find((c) => c.type === 'FOOTER');
  const buttons = template.components.find((c) => c.type === 'BUTTONS');
  let renderedHeader: RenderedTemplate['header'] = null;
  if (header) {
    if (header.format === 'TEXT' || header.text) renderedHeader = { text: fill(header.text ?? '', sentPart('header')?.parameters), media: null };
    else {
      const p = sentPart('header')?.parameters?.[0];
      const media = p?.image ?? p?.video ?? p?.document;
      const fileName = p?.document?.filename;
      renderedHeader = { text: null, media: `${(header.format ?? 'media').toLowerCase()}${fileName ? `: ${fileName}` : media?.link ? `: ${media.link}` : ''}` };
    }
  }
  return {
    name,
    language,
    header: renderedHeader,
    body: fill(body?.text ?? '', sentPart('body')?.parameters),
    footer: footer?.text ?? null,
    buttons: (buttons?.buttons ?? []).map((b) => b.text ?? (b.type === 'COPY_CODE' ? 'Copy code' : b.type)),
  };
}
