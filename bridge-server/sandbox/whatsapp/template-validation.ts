/**
 * How the Cloud API judges a `type: template` send, for the simulated messages route:
 *
 *   const refusal = validateTemplateSend(sandbox.templates, body.template);
 *   if (refusal) return sendGraphError(res, refusal.status, refusal.error);
 *
 * Meta's codes: 132001 the template does not exist in that language (or is not approved yet),
 * 132015 paused, 132016 disabled, 132000 the number of parameters does not match, 132012 a
 * parameter's format does not match (text for an image header, a missing or unknown
 * `parameter_name` on a named template). Written apart from the bridge's own checks on purpose.
 */
import type { GraphErrorFields } from './graph-error';
import type { SandboxTemplate, SandboxTemplates } from './templates';

export interface TemplateRefusal {
  status: number;
  error: GraphErrorFields;
}

interface SentComponent {
  type?: string;
  sub_type?: string;
  index?: string | number;
  parameters?: { type?: string; parameter_name?: string; text?: string; [k: string]: unknown }[];
}

interface SentTemplate {
  name?: string;
  language?: { code?: string };
  components?: SentComponent[];
}

const placeholders = (text: string | undefined) => [...new Set([...(text ?? '').matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]))];

function refuse(code: number, message: string, details: string): TemplateRefusal {
  return { status: 400, error: { message: `(#${code}) ${message}`, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details } } };
}

export function validateTemplateSend(templates: SandboxTemplates, sent: SentTemplate | undefined): TemplateRefusal | null {
  if (!sent?.name || !sent.language?.code) {
    return { status: 400, error: { message: '(#100) The parameter template[name] and template[language][code] are required.', type: 'OAuthException', code: 100 } };
  }
  const template = templates.find(sent.name, sent.language.code);
  if (!template) {
    return refuse(132001, 'Template name does not exist in the translation', `template name (${sent.name}) does not exist in ${sent.language.code}`);
  }
  if (template.status === 'PAUSED') return refuse(132015, 'Template is Paused', `Template ${sent.name} (${sent.language.code}) is paused due to low quality`);
  if (template.status === 'DISABLED') return refuse(132016, 'Template is Disabled', `Template ${sent.name} (${sent.language.code}) is disabled`);
  if (template.status !== 'APPROVED') {
    return refuse(132001, 'Template name does not exist in the translation', `template name (${sent.name}) is not approved in ${sent.language.code} (status ${template.status})`);
  }
  const sentComponents = sent.components ?? [];
  const find = (type: string, index?: number) => sentComponents.find((c) => c.type?.toLowerCase() === type && (index === undefined || Number(c.index) === index));

  for (const c of template.components) {
    if (c.type === 'HEADER') {
      const got = find('header');
      if (c.format === 'LOCATION') {
        const p = got?.parameters?.[0];
        if (!p) return refuse(132000, 'Number of parameters does not match the expected number of params', `header: number of localizable_params (0) does not match the expected number of params (1)`);
        const loc = p.location as { latitude?: unknown; longitude?: unknown } | undefined;
        if (p.type !== 'location' || !loc) return refuse(132012, 'Parameter format does not match format in the created template', `header: Format mismatch, expected LOCATION, received ${String(p.type ?? 'nothing').toUpperCase()}`);
        const ok = (n: unknown, limit: number) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit;
        if (!ok(loc.latitude, 90) || !ok(loc.longitude, 180)) {
          return { status: 400, error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details: 'header: location latitude must be within [-90, 90] and longitude within [-180, 180]' } } };
        }
        continue;
      }
      if (c.format && c.format !== 'TEXT') {
        const p = got?.parameters?.[0];
        const expected = c.format === 'GIF' ? 'video' : c.format.toLowerCase();
        if (!p) return refuse(132000, 'Number of parameters does not match the expected number of params', `header: number of localizable_params (0) does not match the expected number of params (1)`);
        const ref = p[expected] as { id?: string; link?: string } | undefined;
        if (p.type !== expected || !ref || (!ref.id && !ref.link)) {
          return refuse(132012, 'Parameter format does not match format in the created template', `header: Format mismatch, expected ${c.format}, received ${String(p.type ?? 'nothing').toUpperCase()}`);
        }
        continue;
      }
      const refusal = checkText(template, 'header', placeholders(c.text), got);
      if (refusal) return refusal;
    }
    if (c.type === 'BODY') {
      const refusal = checkText(template, 'body', placeholders(c.text), find('body'));
      if (refusal) return refusal;
    }
    if (c.type === 'BUTTONS') {
      for (const [index, b] of (c.buttons ?? []).entries()) {
        // OTP buttons (authentication templates) are created as OTP and read back as URL; either
        // way Meta wants the code as one text parameter of a `url` sub_type button.
        const otp = b.type === 'OTP' || (b.type === 'URL' && /whatsapp\.com\/otp\//.test(b.url ?? ''));
        const needs = otp || (b.type === 'URL' && placeholders(b.url).length > 0) || b.type === 'COPY_CODE';
        const got = find('button', index);
        const count = got?.parameters?.length ?? 0;
        if (needs && count !== 1) {
          return refuse(132000, 'Number of parameters does not match the expected number of params', `button ${index}: number of localizable_params (${count}) does not match the expected number of params (1)`);
        }
        if (otp) {
          const p = got?.parameters?.[0];
          if (got?.sub_type !== 'url' || p?.type !== 'text' || typeof p.text !== 'string' || !p.text) {
            return refuse(132012, 'Parameter format does not match format in the created template', `button ${index}: an OTP button takes sub_type "url" with the code as a text parameter`);
          }
          if ([...p.text].length > 15) return refuse(132012, 'Parameter format does not match format in the created template', `button ${index}: the code is longer than 15 characters`);
        }
        if (b.type === 'COPY_CODE' && got?.parameters?.[0]?.type !== 'coupon_code') {
          return refuse(132012, 'Parameter format does not match format in the created template', `button ${index}: expected a coupon_code parameter`);
        }
      }
    }
  }
  return null;
}

function checkText(template: SandboxTemplate, where: 'header' | 'body', names: string[], got: SentComponent | undefined): TemplateRefusal | null {
  const params = got?.parameters ?? [];
  if (params.length !== names.length) {
    return refuse(132000, 'Number of parameters does not match the expected number of params', `${where}: number of localizable_params (${params.length}) does not match the expected number of params (${names.length})`);
  }
  for (const p of params) {
    if (p.type !== 'text' || typeof p.text !== 'string' || p.text.trim() === '') {
      return refuse(132012, 'Parameter format does not match format in the created template', `${where}: expected non-empty text parameters`);
    }
    if (/[\n\t]| {5,}/.test(p.text)) return { status: 400, error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details: 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces' } } };
  }
  if (template.parameter_format === 'NAMED') {
    const given = params.map((p) => p.parameter_name ?? '');
    const missing = names.find((n) => !given.includes(n));
    if (missing) return refuse(132012, 'Parameter format does not match format in the created template', `${where}: parameter_name "${missing}" is missing`);
  }
  return null;
}
