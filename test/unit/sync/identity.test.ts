import { aliasesOf, canonicalWaId, externalIdOf } from '../../../bridge-server/sync/identity';

describe('canonicalWaId', () => {
  it('folds the Brazilian ninth digit, so both forms are one customer', () => {
    expect(canonicalWaId('5511987654321')).toBe(canonicalWaId('551187654321'));
    expect(canonicalWaId('5511987654321')).toBe('551187654321');
  });

  it('leaves Brazilian landlines (no leading 9 before a 2-5 digit) alone', () => {
    expect(canonicalWaId('551132654321')).toBe('551132654321');
  });

  it('folds Mexican 521 into 52', () => {
    expect(canonicalWaId('5215512345678')).toBe(canonicalWaId('525512345678'));
  });

  it('keeps other countries as they are (Italy, China)', () => {
    expect(canonicalWaId('393331234567')).toBe('393331234567');
    expect(canonicalWaId('8613812345678')).toBe('8613812345678');
  });

  it('strips a leading + and spaces', () => {
    expect(canonicalWaId('+39 333 123 4567')).toBe('393331234567');
  });
});

describe('aliasesOf and externalIdOf', () => {
  it('prefers the business-scoped id and keeps the number', () => {
    expect(aliasesOf({ bsuid: 'US.13491208655302741918', waId: '15551234567' })).toEqual(['bsuid:US.13491208655302741918', 'wa:15551234567']);
    expect(externalIdOf({ id: 1, bsuid: 'US.1', wa_id: '15551234567' })).toBe('whatsapp:bsuid:US.1');
  });

  it('works with a BSUID alone and with a number alone', () => {
    expect(aliasesOf({ bsuid: 'US.1', waId: '' })).toEqual(['bsuid:US.1']);
    expect(aliasesOf({ bsuid: null, waId: '5511987654321' })).toEqual(['wa:551187654321']);
    expect(aliasesOf({ bsuid: null, waId: null })).toEqual([]);
  });
});
