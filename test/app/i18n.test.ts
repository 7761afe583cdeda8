import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createI18n, DICTIONARIES, MissingTranslationError, resolveLocale, SUPPORTED_LOCALES, type TranslationKey } from '../../app/lib/i18n';

const APP_LOCALES = ['en', 'it', 'zh-cn', 'es', 'pt-br'];

describe('app i18n', () => {
  it.each([
    ['it', 'it'], ['it-CH', 'it'], ['pt-BR', 'pt-br'], ['pt-PT', 'pt-br'], ['zh-CN', 'zh-cn'], ['es-419', 'es'],
    ['en-GB', 'en'], ['de', 'en'], ['', 'en'], [undefined, 'en'],
  ])('resolves the Zendesk locale %p to %p (locale → language → en)', (requested, expected) => {
    expect(resolveLocale(requested)).toBe(expected);
  });

  it('fills variables and falls back to en for a key a locale lacks', () => {
    const i18n = createI18n('it', { en: { 'window.open': '{{time}} left', 'app.retry': 'Try again' }, it: { 'app.retry': 'Riprova' } });
    expect(i18n.t('app.retry')).toBe('Riprova');
    expect(i18n.t('window.open', { time: '5 min' })).toBe('5 min left');
  });

  it('throws on a key that exists nowhere', () => {
    expect(() => createI18n('it').t('no.such.key' as TranslationKey)).toThrow(MissingTranslationError);
  });

  it('has a dictionary for every app locale, and no other', () => {
    expect([...SUPPORTED_LOCALES].sort()).toEqual([...APP_LOCALES].sort());
    // app/lib/locale.ts lists them without loading the dictionaries (the boot): same list.
    expect(Object.keys(DICTIONARIES).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    const files = readdirSync(join(__dirname, '../../app/translations')).map((file) => file.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...APP_LOCALES].sort());
  });

  it.each(APP_LOCALES)('%s has every key of en, no extra key, no empty string and the same {{variables}}', (locale) => {
    const en = DICTIONARIES.en;
    const dictionary = JSON.parse(readFileSync(join(__dirname, `../../app/translations/${locale}.json`), 'utf8')) as Record<string, string>;
    expect(Object.keys(dictionary).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(dictionary)) {
      expect(typeof value === 'string' && value.trim().length > 0).toBe(true);
      const variables = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect({ key, variables: variables(value) }).toEqual({ key, variables: variables(en[key]) });
    }
  });
});
