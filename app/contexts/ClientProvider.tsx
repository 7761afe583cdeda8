import { createContext, type ReactNode } from 'react';
import type { ZafClient } from '../lib/zaf-client';

export const ClientContext = createContext<ZafClient | null>(null);

export interface IClientProviderProps {
  /** Created once per iframe (app/index.tsx) and only used after `app.registered`. */
  client: ZafClient;
  children: ReactNode;
}

export function ClientProvider({ client, children }: IClientProviderProps) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}
