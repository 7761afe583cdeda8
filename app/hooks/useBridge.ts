import { useMemo } from 'react';
import { createBridgeClient, type BridgeClient } from '../lib/bridge-templates';
import { useClient } from './useClient';

/** The bridge's template endpoints over this iframe's ZAF client (used only inside the picker's chunk). */
export function useBridge(): BridgeClient {
  const client = useClient();
  return useMemo(() => createBridgeClient(client), [client]);
}
