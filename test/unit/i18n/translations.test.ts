import {
  BRIDGE_LOCALES,
  catalogs,
  placeholdersOf,
  resolveLocale,
  translator,
} from '../../../bridge-server/i18n';

describe('bridge translations', () => {
  const english = catalogs.en;

  it.each(BRIDGE_LOCALES.filter((l) => l !== 'en'))('when an agent reads %s, then every English key exists with the same placeholders', (locale) => {
    const strings = catalogs[locale];
    expect(Object.keys(strings).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of Object.entries(english)) {
      expect({ key, placeholders: placeholdersOf(strings[key]) }).toEqual({ key, placeholders: placeholdersOf(text) });
    }
  });

  it.each(BRIDGE_LOCALES)('when the %s strings are loaded, then none is empty or left untranslated by mistake', (locale) => {
    for (const [key, text] of Object.entries(catalogs[locale])) {
      expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
    }
    if (locale !== 'en') {
      // Sentences must be translated; short labels (Video, Audio, Total…) may coincide.
      const same = Object.entries(catalogs[locale]).filter(([key, text]) => text === english[key as keyof typeof english] && text.length > 25);
      expect(same).toEqual([]);
    }
  });

  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['en-US', 'en'],
    ['it', 'it'],
    ['it-CH', 'it'],
    ['pt-BR', 'pt-br'],
    ['pt_BR', 'pt-br'],
    ['pt', 'pt-br'],
    ['pt-PT', 'pt-br'],
    ['zh', 'zh-cn'],
    ['zh-CN', 'zh-cn'],
    ['zh_TW', 'zh-cn'],
    ['es-419', 'es'],
    ['ES', 'es'],
    ['de', 'en'],
    ['fr-CA', 'en'],
  ])('when the locale is %p, then the bridge speaks %s', (input, expected) => {
    expect(resolveLocale(input)).toBe(expected);
  });

  it('when a key is missing, then the translator throws naming the key and the file', () => {
    expect(() => translator('it')('no.such.key')).toThrow(/Missing translation "no.such.key" in .*it\.json/);
  });

  it('when a placeholder has no value, then the translator throws', () => {
    expect(() => translator('en')('order.total')).toThrow(/needs a value for \{total\}/);
  });

  it('when values contain braces or dollar signs, then they are inserted literally', () => {
    expect(translator('en')('order.total', { total: '$& {total}' })).toBe('Total: $& {total}');
  });
});
