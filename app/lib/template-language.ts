/**
 * Languages of templates: WhatsApp names them with its own codes (`it`, `en_US`, `pt_BR`,
 * `zh_CN`), Zendesk with locales (`it`, `en-US`, `pt-br`, `zh-cn`). The picker opens on the
 * customer's language when the bridge knows it, else on the agent's.
 */
import { intlLocale } from './format';

/** `pt-br` → `pt_BR`, `zh-cn` → `zh_CN`, `it` → `it`, `en-us` → `en_US`. */
export function toWhatsAppLanguage(locale: string): string {
  const [language, region] = locale.trim().replace(/_/g, '-').split('-');
  return region ? `${language.toLowerCase()}_${region.toUpperCase()}` : language.toLowerCase();
}

function base(code: string): string {
  return code.split(/[_-]/)[0].toLowerCase();
}

/**
 * The language the filter starts on, among those the templates have: the exact code of the first
 * wish (customer, then agent), else one of the same language (`pt` → `pt_BR`), else `null` (all
 * languages), so the agent never starts on an empty list.
 */
export function defaultLanguage(available: string[], wishes: (string | null | undefined)[]): string | null {
  for (const wish of wishes) {
    if (!wish) continue;
    const code = toWhatsAppLanguage(wish);
    const exact = available.find((candidate) => candidate.toLowerCase() === code.toLowerCase());
    if (exact) return exact;
    const sameLanguage = [...available].sort().find((candidate) => base(candidate) === base(code));
    if (sameLanguage) return sameLanguage;
  }
  return null;
}

/** The language's name in the agent's language, with its code: "Italian (it)". */
export function languageLabel(code: string, uiLocale: string): string {
  try {
    const names = new Intl.DisplayNames([intlLocale(uiLocale)], { type: 'language' });
    const name = names.of(code.replace(/_/g, '-'));
    if (name && name !== code) return `${name} (${code})`;
  } catch {
    /* an unusual code: show it as it is */
  }
  return code;
}
