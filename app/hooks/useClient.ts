import { useContext } from 'react';
import { ClientContext } from '../contexts/ClientProvider';
import type { ZafClient } from '../lib/zaf-client';

export function useClient(): ZafClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() must be used inside <ClientProvider> (see app/index.tsx).');
  return client;
}
