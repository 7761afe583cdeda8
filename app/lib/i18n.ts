/**
 * The sidebar's strings, in every language the app speaks. One source: app/translations/*.json
 * (flat keys). The agent's Zendesk locale picks the dictionary: exact locale (`pt-br`), then the
 * bare language (`it-CH` → `it`), then another locale of that language (`pt-PT` → `pt-br`),
 * then `en`. A key missing from the chosen dictionary falls back to `en`; a key missing from
 * `en` too throws, so a typo never reaches the screen as a raw key.
 */
import en from '../translations/en.json';
import es from '../translations/es.json';
import it from '../translations/it.json';
import ptBr from '../translations/pt-br.json';
import zhCn from '../translations/zh-cn.json';
import { DEFAULT_LOCALE, resolveLocale, SUPPORTED_LOCALES } from './locale';

export type TranslationKey = keyof typeof en;
export type Dictionary = Record<string, string>;

export const DICTIONARIES: Record<string, Dictionary> = { en, it, es, 'pt-br': ptBr, 'zh-cn': zhCn };
export { DEFAULT_LOCALE, resolveLocale, SUPPORTED_LOCALES };

export type Vars = Record<string, string | number>;

export interface I18n {
  /** The dictionary in use (`en`, `it`, `zh-cn`, `es`, `pt-br`). */
  locale: string;
  t(key: TranslationKey, vars?: Vars): string;
}

export class MissingTranslationError extends Error {
  constructor(readonly key: string) {
    super(`Missing translation "${key}": add it to app/translations/en.json (and the other locales).`);
    this.name = 'MissingTranslationError';
  }
}

export function createI18n(requestedLocale: string | null | undefined, dictionaries: Record<string, Dictionary> = DICTIONARIES): I18n {
  const locale = resolveLocale(requestedLocale);
  const chain = [dictionaries[locale], dictionaries[DEFAULT_LOCALE]].filter(Boolean);
  return {
    locale,
    t(key, vars) {
      const template = chain.map((dictionary) => dictionary[key]).find((value) => typeof value === 'string');
      if (template === undefined) throw new MissingTranslationError(key);
      return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
    },
  };
}
