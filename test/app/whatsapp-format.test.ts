import { parseWhatsAppFormat } from '../../app/lib/whatsapp-format';
import { defaultLanguage, toWhatsAppLanguage } from '../../app/lib/template-language';

describe('WhatsApp formatting', () => {
  it('parses *bold*, _italic_, ~strike~ and ```mono``` (literal inside)', () => {
    expect(parseWhatsAppFormat('Hi *Giulia*, _now_ ~then~ ```a*b*c```')).toEqual([
      { type: 'text', text: 'Hi ' },
      { type: 'bold', children: [{ type: 'text', text: 'Giulia' }] },
      { type: 'text', text: ', ' },
      { type: 'italic', children: [{ type: 'text', text: 'now' }] },
      { type: 'text', text: ' ' },
      { type: 'strike', children: [{ type: 'text', text: 'then' }] },
      { type: 'text', text: ' ' },
      { type: 'mono', text: 'a*b*c' },
    ]);
  });

  it('nests, and leaves markers inside words, around spaces or across lines alone', () => {
    expect(parseWhatsAppFormat('*bold _and italic_*')).toEqual([{ type: 'bold', children: [{ type: 'text', text: 'bold ' }, { type: 'italic', children: [{ type: 'text', text: 'and italic' }] }] }]);
    for (const text of ['2*3*4', 'snake_case_name', '* spaced *', '*one\ntwo*']) expect(parseWhatsAppFormat(text)).toEqual([{ type: 'text', text }]);
  });

  it('keeps emoji, Chinese and Arabic unchanged', () => {
    expect(parseWhatsAppFormat('*你好* 世界 😀')).toEqual([{ type: 'bold', children: [{ type: 'text', text: '你好' }] }, { type: 'text', text: ' 世界 😀' }]);
    expect(parseWhatsAppFormat('مرحبا _عزيزي_')).toEqual([{ type: 'text', text: 'مرحبا ' }, { type: 'italic', children: [{ type: 'text', text: 'عزيزي' }] }]);
  });
});

describe('template languages', () => {
  it.each([['pt-br', 'pt_BR'], ['zh-cn', 'zh_CN'], ['it', 'it'], ['en-US', 'en_US'], ['pt_BR', 'pt_BR']])('maps the Zendesk locale %p to the WhatsApp code %p', (locale, code) => {
    expect(toWhatsAppLanguage(locale)).toBe(code);
  });

  it('starts on the exact language, else the same language, else all', () => {
    expect(defaultLanguage(['en', 'en_US', 'pt_BR'], ['en-US'])).toBe('en_US');
    expect(defaultLanguage(['en_GB', 'en_US'], ['en'])).toBe('en_GB');
    expect(defaultLanguage(['it', 'pt_BR'], [null, 'pt'])).toBe('pt_BR');
    expect(defaultLanguage(['it'], ['de'])).toBeNull();
  });
});
