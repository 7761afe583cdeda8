/**
 * Which templates the picker lists and which can be sent: search by name and text (header,
 * body, footer, buttons), filter by language and category, and the reason a template cannot be
 * sent, so the agent sees it before choosing rather than after.
 */
import type { Template } from './bridge-templates';
import type { TranslationKey } from './i18n';
import { headerFormat } from './template-render';

export const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;

export interface TemplateFilter {
  query: string;
  /** A template language code, or null for all languages. */
  language: string | null;
  /** A category, or null for all categories. */
  category: string | null;
}

/** Everything an agent may search for in a template, lower-cased. */
function searchableText(template: Template): string {
  const parts = [template.name, template.name.replace(/_/g, ' '), template.text];
  for (const c of template.components) {
    if (c.text) parts.push(c.text);
    for (const button of c.buttons ?? []) if (button.text) parts.push(button.text);
  }
  return parts.join('\n').toLocaleLowerCase();
}

export function filterTemplates(templates: Template[], { query, language, category }: TemplateFilter): Template[] {
  const words = query.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
  return templates
    .filter((t) => language === null || t.language.toLowerCase() === language.toLowerCase())
    .filter((t) => category === null || t.category.toUpperCase() === category)
    .filter((t) => {
      if (words.length === 0) return true;
      const text = searchableText(t);
      return words.every((word) => text.includes(word));
    })
    .sort((a, b) => Number(isSendable(b)) - Number(isSendable(a)) || a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
}

/** Why this template cannot be sent now, as a translation key; null when it can. */
export function blockedReason(template: Template): TranslationKey | null {
  const status = template.status.toUpperCase();
  if (!template.canSend || status !== 'APPROVED') {
    if (status === 'PAUSED') return 'picker.reason.paused';
    if (status === 'DISABLED') return 'picker.reason.disabled';
    if (status === 'REJECTED') return 'picker.reason.rejected';
    if (status === 'PENDING' || status === 'IN_APPEAL') return 'picker.reason.pending';
    return 'picker.reason.notApproved';
  }
  const format = headerFormat(template);
  if (format && !['TEXT', 'IMAGE', 'VIDEO', 'GIF', 'DOCUMENT', 'LOCATION'].includes(format)) return 'picker.reason.unsupportedHeader';
  return null;
}

export function isSendable(template: Template): boolean {
  return blockedReason(template) === null;
}

export function languagesOf(templates: Template[]): string[] {
  return [...new Set(templates.map((t) => t.language))].sort();
}
