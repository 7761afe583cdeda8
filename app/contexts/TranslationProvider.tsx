import { createContext, type ReactNode } from 'react';
import type { I18n } from '../lib/i18n';

export const TranslationContext = createContext<I18n | null>(null);

export interface ITranslationProviderProps {
  i18n: I18n;
  children: ReactNode;
}

export function TranslationProvider({ i18n, children }: ITranslationProviderProps) {
  return <TranslationContext.Provider value={i18n}>{children}</TranslationContext.Provider>;
}
