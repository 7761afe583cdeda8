/**
 * Templates, without I/O: which variables a template has, whether given values can be sent
 * (checked before Meta sees them, with errors that name the field), the exact text the customer
 * will get, and the Graph API `template` payload.
 *
 * Variable keys are the fields the app fills and the errors name:
 *
 *   header.1 / header.<name>   a TEXT header's variable (positional or named)
 *   header.media               an IMAGE / VIDEO / GIF / DOCUMENT header: {link} or {id}
 *   header.location            a LOCATION header: {latitude, longitude, name?, address?}
 *   body.1, body.2 … / body.<name>
 *   button.<index>             the variable of a URL button, or the code of a COPY_CODE button
 *
 * Authentication templates: Meta fixes the body (`{{1}} is your verification code.`) and the
 * one-time-password button (created as `OTP` with `otp_type` COPY_CODE / ONE_TAP / ZERO_TAP,
 * read back from the API as a `URL` button whose url ends in `otp{{1}}`). The code is filled
 * once, as `body.1`; the send repeats it as the button's `url` parameter, as Meta requires
 * (https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates).
 *
 * Meta's rules: https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates
 * (summarised in ../shared/reference/whatsapp-cloud-api.md, Templates and Sending).
 */
import type { Translate } from '../i18n';
import type { TemplateComponent, TemplateMessagePayload } from '../whatsapp/templates-api';

/** A template as the store keeps it. */
export interface TemplateDefinition {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  /** POSITIONAL ({{1}}) or NAMED ({{first_name}}). */
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
  qualityScore: string | null;
  rejectedReason: string | null;
}

export interface MediaValue {
  /** A public http(s) link Meta downloads the file from … */
  link?: string;
  /** … or the id of a file uploaded with POST /{phone-number-id}/media. */
  id?: string;
  /** Shown to the customer for documents. */
  filename?: string;
  /** When the caller knows them, checked against WhatsApp's limits. */
  mimeType?: string;
  size?: number;
}

/** A LOCATION header's value (what the customer sees above the text, as a map). */
export interface LocationValue {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

export type TemplateValue = string | MediaValue | LocationValue;
export type TemplateValues = Record<string, TemplateValue>;

export type VariableKind = 'text' | 'image' | 'video' | 'document' | 'coupon_code' | 'location';

export interface TemplateVariable {
  /** The field name: `body.1`, `body.customer_name`, `header.media`, `button.0`. */
  key: string;
  where: 'header' | 'body' | 'button';
  kind: VariableKind;
  /** Named parameters: the name; positional: null. */
  name: string | null;
  /** Positional parameters: 1, 2, …; named: the order of appearance (1-based). */
  position: number;
  /** For buttons: the button's index among the template's buttons, its type and label. */
  button?: { index: number; type: string; text: string };
  /** Meta's example value, when the template has one (a good placeholder for the input). */
  example: string | null;
}

export interface TemplateFieldError {
  /** `name`, `language`, `template`, `header`, `body`, or a variable key (`body.2`, `button.0`). */
  field: string;
  code: TemplateErrorCode;
  message: string;
}

export type TemplateErrorCode =
  | 'template_not_found'
  | 'language_not_available'
  | 'template_paused'
  | 'template_disabled'
  | 'template_rejected'
  | 'template_pending'
  | 'template_not_approved'
  | 'missing'
  | 'unknown_variable'
  | 'not_text'
  | 'invalid_characters'
  | 'media_required'
  | 'location_required'
  | 'invalid_location'
  | 'code_too_long'
  | 'media_type'
  | 'media_too_large'
  | 'invalid_url'
  | 'unsupported_header'
  | 'body_too_long'
  | 'header_too_long'
  | 'button_too_long';

export interface RenderedButton {
  type: string;
  text: string;
  url?: string;
  phoneNumber?: string;
  code?: string;
}

export interface RenderedTemplate {
  header: { format: string; text: string | null; media: MediaValue | null; location?: LocationValue | null } | null;
  body: string;
  footer: string | null;
  buttons: RenderedButton[];
}

/** WhatsApp's limits for what a filled template may hold. */
export const TEMPLATE_LIMITS = {
  body: 1024,
  header: 60,
  footer: 60,
  buttonUrl: 2000,
  couponCode: 15,
  /** A one-time password (authentication templates). */
  otpCode: 15,
  locationName: 1000,
  locationAddress: 1000,
} as const;

/** Header media WhatsApp accepts: MIME types, file extensions and the size limit. */
export const HEADER_MEDIA: Record<'IMAGE' | 'VIDEO' | 'GIF' | 'DOCUMENT', { kind: VariableKind; mimeTypes: string[]; extensions: string[]; maxBytes: number }> = {
  IMAGE: { kind: 'image', mimeTypes: ['image/jpeg', 'image/png'], extensions: ['jpg', 'jpeg', 'png'], maxBytes: 5 * 1024 * 1024 },
  VIDEO: { kind: 'video', mimeTypes: ['video/mp4', 'video/3gpp'], extensions: ['mp4', '3gp', '3gpp'], maxBytes: 16 * 1024 * 1024 },
  GIF: { kind: 'video', mimeTypes: ['video/mp4'], extensions: ['mp4'], maxBytes: 3.5 * 1024 * 1024 },
  DOCUMENT: {
    kind: 'document',
    mimeTypes: [
      'application/pdf',
      'text/plain',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    extensions: ['pdf', 'txt', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx'],
    maxBytes: 100 * 1024 * 1024,
  },
};

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
/** Meta refuses text parameters with new lines, tabs or more than 4 consecutive spaces. */
const FORBIDDEN_IN_PARAMETER = /[\n\r\t]| {5,}/;

// ---------------------------------------------------------------------------------------------
// Reading a template
// ---------------------------------------------------------------------------------------------

function component(t: TemplateDefinition, type: string): TemplateComponent | undefined {
  return t.components.find((c) => c.type.toUpperCase() === type);
}

/** The placeholder names in a text, in order of first appearance, without repeats. */
export function placeholdersIn(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) if (!names.includes(m[1])) names.push(m[1]);
  return names;
}

/**
 * A one-time-password button: `OTP` as created, or the `URL` button Meta turns it into (its url
 * is WhatsApp's own OTP link). Its parameter is the code, never a field of its own.
 */
export function isOtpButton(b: { type: string; url?: string; otp_type?: unknown }): boolean {
  const type = b.type.toUpperCase();
  if (type === 'OTP') return true;
  return type === 'URL' && /^https:\/\/(www\.)?whatsapp\.com\/otp\//i.test(b.url ?? '');
}

function otpButtonIndex(t: TemplateDefinition): number {
  return (component(t, 'BUTTONS')?.buttons ?? []).findIndex((b) => isOtpButton(b as { type: string; url?: string }));
}

function isPositional(name: string): boolean {
  return /^\d+$/.test(name);
}

/** Positional placeholders sorted by number ({{2}} before {{10}}); named ones in order of appearance. */
function orderedPlaceholders(text: string | undefined): string[] {
  const names = placeholdersIn(text);
  return names.every(isPositional) ? [...names].sort((a, b) => Number(a) - Number(b)) : names;
}

function examplesFor(c: TemplateComponent, where: 'header' | 'body'): (name: string, index: number) => string | null {
  const ex = c.example;
  const named = where === 'header' ? ex?.header_text_named_params : ex?.body_text_named_params;
  const positional = where === 'header' ? ex?.header_text : ex?.body_text?.[0];
  return (name, index) => {
    if (!isPositional(name)) return named?.find((p) => p.param_name === name)?.example ?? null;
    return positional?.[Number(name) - 1] ?? positional?.[index] ?? null;
  };
}

/** The variables an agent fills, in the order the customer reads them: header, body, buttons. */
export function templateVariables(t: TemplateDefinition): TemplateVariable[] {
  const vars: TemplateVariable[] = [];
  const header = component(t, 'HEADER');
  if (header) {
    const format = (header.format ?? 'TEXT').toUpperCase();
    if (format === 'TEXT') {
      const example = examplesFor(header, 'header');
      orderedPlaceholders(header.text).forEach((name, i) =>
        vars.push({ key: `header.${name}`, where: 'header', kind: 'text', name: isPositional(name) ? null : name, position: isPositional(name) ? Number(name) : i + 1, example: example(name, i) }),
      );
    } else if (format === 'LOCATION') {
      vars.push({ key: 'header.location', where: 'header', kind: 'location', name: null, position: 1, example: null });
    } else if (format in HEADER_MEDIA) {
      vars.push({ key: 'header.media', where: 'header', kind: HEADER_MEDIA[format as keyof typeof HEADER_MEDIA].kind, name: null, position: 1, example: header.example?.header_handle?.[0] ?? null });
    }
  }
  const body = component(t, 'BODY');
  if (body) {
    const example = examplesFor(body, 'body');
    orderedPlaceholders(body.text).forEach((name, i) =>
      vars.push({ key: `body.${name}`, where: 'body', kind: 'text', name: isPositional(name) ? null : name, position: isPositional(name) ? Number(name) : i + 1, example: example(name, i) }),
    );
  }
  (component(t, 'BUTTONS')?.buttons ?? []).forEach((b, index) => {
    const type = b.type.toUpperCase();
    const button = { index, type, text: b.text ?? '' };
    if (isOtpButton(b as { type: string; url?: string })) return; // takes body.1, the code
    if (type === 'URL' && placeholdersIn(b.url).length > 0) {
      vars.push({ key: `button.${index}`, where: 'button', kind: 'text', name: null, position: 1, button, example: urlVariableExample(b.url ?? '', b.example) });
    } else if (type === 'COPY_CODE') {
      const example = Array.isArray(b.example) ? b.example[0] : b.example;
      vars.push({ key: `button.${index}`, where: 'button', kind: 'coupon_code', name: null, position: 1, button, example: example ?? null });
    }
  });
  return vars;
}

/** Meta's example for a URL button is the whole URL; the variable is what follows the fixed part. */
function urlVariableExample(url: string, example: string[] | string | undefined): string | null {
  const full = Array.isArray(example) ? example[0] : example;
  if (!full) return null;
  const prefix = url.split(/\{\{/)[0];
  return full.startsWith(prefix) ? full.slice(prefix.length) || null : full;
}

// ---------------------------------------------------------------------------------------------
// Choosing the template: name, language, status
// ---------------------------------------------------------------------------------------------

export interface TemplateChoice {
  template: TemplateDefinition | null;
  errors: TemplateFieldError[];
}

/**
 * Finds the template by name and language among the stored ones and checks that it can be sent
 * now (only APPROVED templates can). `language` matches exactly (Meta's `pt_BR`), ignoring case
 * and `-` vs `_`.
 */
export function chooseTemplate(stored: TemplateDefinition[], name: string, language: string, t: Translate): TemplateChoice {
  const sameName = stored.filter((s) => s.name === name);
  if (sameName.length === 0) {
    return { template: null, errors: [{ field: 'name', code: 'template_not_found', message: t('template.error.template_not_found', { name }) }] };
  }
  const wanted = normaliseLanguage(language);
  const template = sameName.find((s) => normaliseLanguage(s.language) === wanted) ?? null;
  if (!template) {
    const available = sameName.map((s) => s.language).sort().join(', ');
    return { template: null, errors: [{ field: 'language', code: 'language_not_available', message: t('template.error.language_not_available', { name, language, available }) }] };
  }
  const status = template.status.toUpperCase();
  if (status === 'APPROVED') return { template, errors: [] };
  const vars = { name, language: template.language, status, reason: template.rejectedReason && template.rejectedReason !== 'NONE' ? template.rejectedReason : t('template.reason.none') };
  const code: TemplateErrorCode =
    status === 'PAUSED' ? 'template_paused' : status === 'DISABLED' ? 'template_disabled' : status === 'REJECTED' ? 'template_rejected' : status === 'PENDING' || status === 'IN_APPEAL' ? 'template_pending' : 'template_not_approved';
  return { template, errors: [{ field: 'template', code, message: t(`template.error.${code}`, vars) }] };
}

export function normaliseLanguage(language: string): string {
  return language.trim().toLowerCase().replace(/-/g, '_');
}

// ---------------------------------------------------------------------------------------------
// Checking the values
// ---------------------------------------------------------------------------------------------

function isLocation(v: TemplateValue | undefined): v is LocationValue {
  return typeof v === 'object' && v !== null && ('latitude' in v || 'longitude' in v);
}

function isMedia(v: TemplateValue | undefined): v is MediaValue {
  return typeof v === 'object' && v !== null && !isLocation(v);
}

function textOf(v: TemplateValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function variableLabel(v: TemplateVariable): string {
  return v.where === 'button' ? `“${v.button?.text ?? ''}”` : `{{${v.name ?? v.position}}}`;
}

/**
 * Every problem with the values, each naming its field. An empty list means Meta will accept
 * the parameters (status and language are checked by `chooseTemplate`).
 */
export function validateTemplateValues(t: TemplateDefinition, values: TemplateValues, tr: Translate): TemplateFieldError[] {
  const errors: TemplateFieldError[] = [];
  const vars = templateVariables(t);
  const part = (v: TemplateVariable) => tr(`template.part.${v.where}`);

  const header = component(t, 'HEADER');
  const headerFormat = header ? (header.format ?? 'TEXT').toUpperCase() : null;
  if (headerFormat && headerFormat !== 'TEXT' && headerFormat !== 'LOCATION' && !(headerFormat in HEADER_MEDIA)) {
    errors.push({ field: 'header', code: 'unsupported_header', message: tr('template.error.unsupported_header', { format: headerFormat }) });
  }

  for (const v of vars) {
    const value = values[v.key];
    const label = variableLabel(v);
    if (v.key === 'header.media') {
      errors.push(...checkMedia(headerFormat as keyof typeof HEADER_MEDIA, value, tr));
      continue;
    }
    if (v.key === 'header.location') {
      errors.push(...checkLocation(value, tr));
      continue;
    }
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      errors.push({ field: v.key, code: 'missing', message: tr('template.error.missing', { variable: label, part: part(v) }) });
      continue;
    }
    if (typeof value === 'object') {
      errors.push({ field: v.key, code: 'not_text', message: tr('template.error.not_text', { variable: label, part: part(v) }) });
      continue;
    }
    if (v.where !== 'button' && FORBIDDEN_IN_PARAMETER.test(value)) {
      errors.push({ field: v.key, code: 'invalid_characters', message: tr('template.error.invalid_characters', { variable: label, part: part(v) }) });
    }
  }

  // The one-time password goes into the body and the button: WhatsApp allows up to 15 characters.
  const otp = otpButtonIndex(t);
  const code = textOf(values['body.1']);
  if (otp >= 0 && code !== undefined && !errors.some((e) => e.field === 'body.1') && [...code].length > TEMPLATE_LIMITS.otpCode) {
    errors.push({ field: 'body.1', code: 'code_too_long', message: tr('template.error.code_too_long', { length: [...code].length, limit: TEMPLATE_LIMITS.otpCode }) });
  }

  const known = new Set(vars.map((v) => v.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) errors.push({ field: key, code: 'unknown_variable', message: tr('template.error.unknown_variable', { variable: key }) });
  }

  // Lengths after filling, only when every value is there (otherwise the count is meaningless).
  const rendered = renderTemplate(t, values);
  const failed = new Set(errors.map((e) => e.field));
  const chars = (s: string) => [...s].length;
  if (!vars.some((v) => v.where === 'body' && failed.has(v.key)) && chars(rendered.body) > TEMPLATE_LIMITS.body) {
    errors.push({ field: 'body', code: 'body_too_long', message: tr('template.error.body_too_long', { length: chars(rendered.body), limit: TEMPLATE_LIMITS.body }) });
  }
  const headerText = rendered.header?.text;
  if (headerText && !vars.some((v) => v.where === 'header' && failed.has(v.key)) && chars(headerText) > TEMPLATE_LIMITS.header) {
    errors.push({ field: 'header', code: 'header_too_long', message: tr('template.error.header_too_long', { length: chars(headerText), limit: TEMPLATE_LIMITS.header }) });
  }
  for (const v of vars.filter((x) => x.where === 'button' && !failed.has(x.key))) {
    const button = rendered.buttons[v.button?.index ?? 0];
    if (v.kind === 'coupon_code' && chars(button.code ?? '') > TEMPLATE_LIMITS.couponCode) {
      errors.push({ field: v.key, code: 'button_too_long', message: tr('template.error.button_too_long', { button: v.button?.text ?? '', length: chars(button.code ?? ''), limit: TEMPLATE_LIMITS.couponCode }) });
    }
    if (v.kind === 'text') {
      const url = button.url ?? '';
      if (chars(url) > TEMPLATE_LIMITS.buttonUrl) {
        errors.push({ field: v.key, code: 'button_too_long', message: tr('template.error.button_too_long', { button: v.button?.text ?? '', length: chars(url), limit: TEMPLATE_LIMITS.buttonUrl }) });
      } else if (!isHttpUrl(url)) {
        errors.push({ field: v.key, code: 'invalid_url', message: tr('template.error.invalid_url', { value: url }) });
      }
    }
  }
  return errors;
}

function checkMedia(format: keyof typeof HEADER_MEDIA, value: TemplateValue | undefined, tr: Translate): TemplateFieldError[] {
  const rule = HEADER_MEDIA[format];
  const kind = tr(`template.media.${rule.kind}`);
  const field = 'header.media';
  if (!isMedia(value) || (!value.link && !value.id)) {
    return [{ field, code: 'media_required', message: tr('template.error.media_required', { kind }) }];
  }
  const errors: TemplateFieldError[] = [];
  if (value.link !== undefined && !isHttpUrl(value.link)) {
    errors.push({ field, code: 'invalid_url', message: tr('template.error.invalid_url', { value: value.link }) });
  }
  const extension = value.link && isHttpUrl(value.link) ? extensionOf(value.link) : value.filename ? extensionOf(value.filename) : null;
  const mime = value.mimeType?.toLowerCase().split(';')[0].trim();
  if (mime && !rule.mimeTypes.includes(mime)) {
    errors.push({ field, code: 'media_type', message: tr('template.error.media_type', { kind, given: mime }) });
  } else if (!mime && extension && knownExtension(extension) && !rule.extensions.includes(extension)) {
    errors.push({ field, code: 'media_type', message: tr('template.error.media_type', { kind, given: `.${extension}` }) });
  }
  if (typeof value.size === 'number' && value.size > rule.maxBytes) {
    errors.push({ field, code: 'media_too_large', message: tr('template.error.media_too_large', { size: formatBytes(value.size), limit: formatBytes(rule.maxBytes), kind }) });
  }
  return errors;
}

function checkLocation(value: TemplateValue | undefined, tr: Translate): TemplateFieldError[] {
  const field = 'header.location';
  if (!isLocation(value)) return [{ field, code: 'location_required', message: tr('template.error.location_required') }];
  const { latitude, longitude, name, address } = value;
  const inRange = (n: unknown, limit: number) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit;
  if (!inRange(latitude, 90) || !inRange(longitude, 180)) {
    return [{ field, code: 'invalid_location', message: tr('template.error.invalid_location', { latitude: String(latitude ?? '—'), longitude: String(longitude ?? '—') }) }];
  }
  const tooLong = (s: unknown, limit: number) => typeof s === 'string' && [...s].length > limit;
  if (tooLong(name, TEMPLATE_LIMITS.locationName) || tooLong(address, TEMPLATE_LIMITS.locationAddress)) {
    return [{ field, code: 'header_too_long', message: tr('template.error.header_too_long', { length: Math.max([...(name ?? '')].length, [...(address ?? '')].length), limit: TEMPLATE_LIMITS.locationName }) }];
  }
  return [];
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

function extensionOf(s: string): string | null {
  let path = s;
  try {
    path = new URL(s).pathname;
  } catch {
    /* a file name */
  }
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(path);
  return m ? m[1].toLowerCase() : null;
}

function knownExtension(ext: string): boolean {
  return Object.values(HEADER_MEDIA).some((r) => r.extensions.includes(ext)) || ['gif', 'webp', 'mp3', 'ogg', 'zip', 'html', 'exe', 'mov', 'avi', 'heic'].includes(ext);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

// ---------------------------------------------------------------------------------------------
// Rendering: what the customer sees
// ---------------------------------------------------------------------------------------------

function fill(text: string, where: 'header' | 'body', values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => textOf(values[`${where}.${name}`]) ?? whole);
}

/** The filled template; a value not given leaves its `{{…}}` visible (for a live preview). */
export function renderTemplate(t: TemplateDefinition, values: TemplateValues): RenderedTemplate {
  const header = component(t, 'HEADER');
  const body = component(t, 'BODY');
  const footer = component(t, 'FOOTER');
  let renderedHeader: RenderedTemplate['header'] = null;
  if (header) {
    const format = (header.format ?? 'TEXT').toUpperCase();
    const media = values['header.media'];
    const location = values['header.location'];
    renderedHeader =
      format === 'TEXT'
        ? { format, text: fill(header.text ?? '', 'header', values), media: null }
        : format === 'LOCATION'
          ? { format, text: null, media: null, location: isLocation(location) ? location : null }
          : { format, text: null, media: isMedia(media) ? media : null };
  }
  const buttons = (component(t, 'BUTTONS')?.buttons ?? []).map((b, index): RenderedButton => {
    const type = b.type.toUpperCase();
    if (isOtpButton(b as { type: string; url?: string })) return { type: 'OTP', text: b.text ?? 'Copy code', code: textOf(values['body.1']) ?? '' };
    const value = textOf(values[`button.${index}`]);
    if (type === 'URL') return { type, text: b.text ?? '', url: (b.url ?? '').replace(PLACEHOLDER, (whole) => value ?? whole) };
    if (type === 'PHONE_NUMBER') return { type, text: b.text ?? '', phoneNumber: b.phone_number };
    if (type === 'COPY_CODE') return { type, text: b.text ?? 'Copy code', code: value ?? '' };
    return { type, text: b.text ?? '' };
  });
  return { header: renderedHeader, body: fill(body?.text ?? '', 'body', values), footer: footer?.text ?? null, buttons };
}

/** The rendered template as plain text (the ticket comment): header, body, footer, buttons. */
export function renderedAsText(r: RenderedTemplate, tr: Translate): string {
  const lines: string[] = [];
  if (r.header?.text) lines.push(`*${r.header.text}*`);
  else if (r.header?.location) {
    const l = r.header.location;
    const place = [l.name, l.address].filter((x) => x && x.trim()).join(', ');
    lines.push(`[${tr('template.location', { place: place || tr('template.media.location'), latitude: l.latitude, longitude: l.longitude })}]`);
  } else if (r.header?.media) lines.push(`[${tr(`template.media.${(HEADER_MEDIA[r.header.format as keyof typeof HEADER_MEDIA]?.kind ?? 'document')}`)}: ${r.header.media.filename ?? r.header.media.link ?? r.header.media.id}]`);
  lines.push(r.body);
  if (r.footer) lines.push(`_${r.footer}_`);
  const buttons = r.buttons.map((b) => {
    if (b.url) return `🔗 ${b.text}: ${b.url}`;
    if (b.phoneNumber) return `📞 ${b.text}: ${b.phoneNumber}`;
    if (b.code !== undefined) return `📋 ${b.text}: ${b.code}`;
    return `↩ ${b.text}`;
  });
  return [lines.join('\n\n'), ...(buttons.length ? [buttons.join('\n')] : [])].join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// The Graph API payload
// ---------------------------------------------------------------------------------------------

function textParameter(t: TemplateDefinition, name: string, value: string): Record<string, unknown> {
  return t.parameterFormat === 'NAMED' || !isPositional(name) ? { type: 'text', parameter_name: name, text: value } : { type: 'text', text: value };
}

function mediaParameter(format: string, media: MediaValue): Record<string, unknown> {
  const kind = format === 'GIF' ? 'video' : format.toLowerCase();
  const ref: Record<string, unknown> = media.id ? { id: media.id } : { link: media.link };
  if (kind === 'document' && media.filename) ref.filename = media.filename;
  return { type: kind, [kind]: ref };
}

/**
 * The `template` object of a send, for values that passed `validateTemplateValues`: components
 * in Meta's order, positional parameters in {{1}}, {{2}}… order, named ones with
 * `parameter_name`, buttons by index.
 */
export function buildTemplatePayload(t: TemplateDefinition, values: TemplateValues): TemplateMessagePayload {
  const components: Record<string, unknown>[] = [];
  const header = component(t, 'HEADER');
  if (header) {
    const format = (header.format ?? 'TEXT').toUpperCase();
    if (format === 'TEXT') {
      const names = orderedPlaceholders(header.text);
      if (names.length) components.push({ type: 'header', parameters: names.map((n) => textParameter(t, n, textOf(values[`header.${n}`]) ?? '')) });
    } else if (format === 'LOCATION') {
      const l = values['header.location'];
      if (isLocation(l)) {
        const location = { latitude: l.latitude, longitude: l.longitude, ...(l.name ? { name: l.name } : {}), ...(l.address ? { address: l.address } : {}) };
        components.push({ type: 'header', parameters: [{ type: 'location', location }] });
      }
    } else if (isMedia(values['header.media'])) {
      components.push({ type: 'header', parameters: [mediaParameter(format, values['header.media'] as MediaValue)] });
    }
  }
  const body = component(t, 'BODY');
  const bodyNames = orderedPlaceholders(body?.text);
  if (bodyNames.length) components.push({ type: 'body', parameters: bodyNames.map((n) => textParameter(t, n, textOf(values[`body.${n}`]) ?? '')) });
  (component(t, 'BUTTONS')?.buttons ?? []).forEach((b, index) => {
    const type = b.type.toUpperCase();
    if (isOtpButton(b as { type: string; url?: string })) {
      // Meta: an authentication template's button is sent as sub_type url, the code as its text.
      const code = textOf(values['body.1']);
      if (code !== undefined) components.push({ type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text: code }] });
      return;
    }
    const value = textOf(values[`button.${index}`]);
    if (type === 'URL' && placeholdersIn(b.url).length && value !== undefined) {
      components.push({ type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text: value }] });
    } else if (type === 'COPY_CODE' && value !== undefined) {
      components.push({ type: 'button', sub_type: 'copy_code', index: String(index), parameters: [{ type: 'coupon_code', coupon_code: value }] });
    }
  });
  return { name: t.name, language: { code: t.language }, ...(components.length ? { components } : {}) };
}
