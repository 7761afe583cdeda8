/**
 * Which of the app's dictionaries an agent's Zendesk locale picks, without the dictionaries
 * themselves: the boot (app/boot.ts) needs the answer for its first bridge request before the UI
 * chunk, which holds the translations, has loaded. app/lib/i18n.ts checks the list against its
 * dictionaries (test/app/i18n.test.ts).
 */
export const SUPPORTED_LOCALES = ['en', 'it', 'es', 'pt-br', 'zh-cn'];
export const DEFAULT_LOCALE = 'en';

/** Exact locale (`pt-br`), then the bare language (`it-CH` → `it`), then another locale of that language (`pt-PT` → `pt-br`), then `en`. */
export function resolveLocale(requested: string | null | undefined): string {
  const locale = (requested ?? '').trim().toLowerCase().replace(/_/g, '-');
  if (!locale) return DEFAULT_LOCALE;
  if (SUPPORTED_LOCALES.includes(locale)) return locale;
  const language = locale.split('-')[0];
  if (SUPPORTED_LOCALES.includes(language)) return language;
  return SUPPORTED_LOCALES.find((candidate) => candidate.split('-')[0] === language) ?? DEFAULT_LOCALE;
}
