/**
 * The filled template, rendered in the browser so the preview follows every keystroke. It
 * mirrors the bridge's renderer (bridge-server/sync/template-render.ts, `renderTemplate`): a
 * value not given leaves its `{{…}}` visible. The bridge's preview call stays the authority on
 * validity; this only draws.
 */
import type { LocationValue, MediaValue, RenderedTemplate, Template, TemplateComponent, TemplateValue, TemplateValues } from './bridge-templates';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function component(template: Template, type: string): TemplateComponent | undefined {
  return template.components.find((c) => c.type.toUpperCase() === type);
}

function textOf(value: TemplateValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isLocation(value: TemplateValue | undefined): value is LocationValue {
  return typeof value === 'object' && value !== null && 'latitude' in value;
}

function isMedia(value: TemplateValue | undefined): value is MediaValue {
  return typeof value === 'object' && value !== null && !isLocation(value) && Boolean(value.link || value.id);
}

/**
 * An authentication template's one-time-password button: `OTP` as created, or the `URL` button
 * Meta turns it into (WhatsApp's own OTP link). It copies the code given as `body.1`.
 */
export function isOtpButton(button: { type: string; url?: string }): boolean {
  const type = button.type.toUpperCase();
  return type === 'OTP' || (type === 'URL' && /^https:\/\/(www\.)?whatsapp\.com\/otp\//i.test(button.url ?? ''));
}

function fill(text: string, where: 'header' | 'body', values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => textOf(values[`${where}.${name}`]) ?? whole);
}

/** The header format of a template (`TEXT`, `IMAGE`, `VIDEO`, `GIF`, `DOCUMENT`, `LOCATION`), or null. */
export function headerFormat(template: Template): string | null {
  const header = component(template, 'HEADER');
  return header ? (header.format ?? 'TEXT').toUpperCase() : null;
}

export function renderTemplateLocally(template: Template, values: TemplateValues): RenderedTemplate {
  const header = component(template, 'HEADER');
  const format = headerFormat(template);
  const media = values['header.media'];
  const location = values['header.location'];
  let renderedHeader: RenderedTemplate['header'] = null;
  if (header && format === 'TEXT') renderedHeader = { format, text: fill(header.text ?? '', 'header', values), media: null };
  else if (header && format === 'LOCATION') renderedHeader = { format, text: null, media: null, location: isLocation(location) ? location : null };
  else if (header && format) renderedHeader = { format, text: null, media: isMedia(media) ? media : null };
  const buttons = (component(template, 'BUTTONS')?.buttons ?? []).map((button, index) => {
    const type = button.type.toUpperCase();
    const value = textOf(values[`button.${index}`]);
    const text = button.text ?? '';
    if (isOtpButton(button)) return { type: 'OTP', text: button.text ?? 'Copy code', code: textOf(values['body.1']) ?? '' };
    if (type === 'URL') return { type, text, url: (button.url ?? '').replace(PLACEHOLDER, (whole) => value ?? whole) };
    if (type === 'PHONE_NUMBER') return { type, text, phoneNumber: button.phone_number };
    if (type === 'COPY_CODE') return { type, text, code: value ?? '' };
    return { type, text };
  });
  return {
    header: renderedHeader,
    body: fill(component(template, 'BODY')?.text ?? template.text, 'body', values),
    footer: component(template, 'FOOTER')?.text ?? null,
    buttons,
  };
}
