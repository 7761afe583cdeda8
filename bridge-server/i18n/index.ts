/**
 * The bridge's own words (what agents read in ticket comments), in the languages the bridge
 * speaks. One JSON file per locale in ./locales, flat keys, `{name}` placeholders.
 *
 * Like the Zendesk app scaffold: locale → language → `en` fallback, and a missing key throws
 * (a unit test checks that every key exists in every locale with the same placeholders).
 */
import en from './locales/en.json';
import es from './locales/es.json';
import it from './locales/it.json';
import ptBr from './locales/pt-br.json';
import zhCn from './locales/zh-cn.json';

export type BridgeLocale = 'en' | 'it' | 'zh-cn' | 'es' | 'pt-br';

export const BRIDGE_LOCALES: readonly BridgeLocale[] = ['en', 'it', 'zh-cn', 'es', 'pt-br'];

export type TranslationKey = keyof typeof en;
export type TranslationVars = Record<string, string | number>;
export type Translate = (key: string, vars?: TranslationVars) => string;

/** The strings of every locale, exported for the completeness test. */
export const catalogs: Readonly<Record<BridgeLocale, Readonly<Record<string, string>>>> = {
  en,
  it,
  'zh-cn': zhCn,
  es,
  'pt-br': ptBr,
};

/** Locale tags for Intl (dates, numbers), per bridge locale. */
const INTL_TAGS: Record<BridgeLocale, string> = { en: 'en', it: 'it', 'zh-cn': 'zh-CN', es: 'es', 'pt-br': 'pt-BR' };

/** Language (first subtag) → the bridge locale that serves it. */
const BY_LANGUAGE: Record<string, BridgeLocale> = { en: 'en', it: 'it', zh: 'zh-cn', es: 'es', pt: 'pt-br' };

/**
 * The best bridge locale for a locale or language tag from anywhere (Zendesk `pt-BR`, Meta
 * `pt_BR`, `zh`, `it-CH`, …): exact match, then the language, then English.
 */
export function resolveLocale(input?: string | null): BridgeLocale {
  if (typeof input !== 'string') return 'en';
  const tag = input.trim().toLowerCase().replace(/_/g, '-');
  if ((BRIDGE_LOCALES as readonly string[]).includes(tag)) return tag as BridgeLocale;
  return BY_LANGUAGE[tag.split('-')[0]] ?? 'en';
}

export function intlLocale(locale: BridgeLocale): string {
  return INTL_TAGS[locale];
}

const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;

/**
 * `t(key, vars)` for one locale. Throws on a key that does not exist or a placeholder without
 * a value: both are programming errors that the tests must catch, never agent-visible gaps.
 */
export function translator(locale: BridgeLocale): Translate {
  const strings = catalogs[locale];
  if (!strings) throw new Error(`Unknown bridge locale "${String(locale)}"; use resolveLocale() first.`);
  return (key, vars) => {
    const template = strings[key];
    if (template === undefined) {
      throw new Error(`Missing translation "${key}" in bridge-server/i18n/locales/${locale}.json.`);
    }
    return template.replace(PLACEHOLDER, (_, name: string) => {
      const value = vars?.[name];
      if (value === undefined) {
        throw new Error(`Translation "${key}" (${locale}) needs a value for {${name}}.`);
      }
      return String(value);
    });
  };
}

/** The placeholder names of a string, sorted (for the completeness test). */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]).sort();
}
