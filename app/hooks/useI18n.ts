import { useContext } from 'react';
import { TranslationContext } from '../contexts/TranslationProvider';
import type { I18n } from '../lib/i18n';

export function useI18n(): I18n {
  const i18n = useContext(TranslationContext);
  if (!i18n) throw new Error('useI18n() must be used inside <TranslationProvider> (see app/App.tsx).');
  return i18n;
}
