import { useMemo } from 'react';
import { createBridgeClient, type BridgeClient } from '../lib/bridge-client';
import { useClient } from './useClient';

/** The bridge's app API over this iframe's ZAF client. */
export function useBridge(): BridgeClient {
  const client = useClient();
  return useMemo(() => createBridgeClient(client), [client]);
}
