import { useCallback, useEffect, useRef, useState } from 'react';
import { toBridgeError, type BridgeError } from '../lib/bridge-client';
import type { TemplateList } from '../lib/bridge-templates';
import { useBridge } from './useBridge';

export type TemplatesState = { status: 'loading' } | { status: 'ready'; list: TemplateList } | { status: 'error'; error: BridgeError };

/**
 * The bridge's templates, read once when the picker opens (they come from the bridge's store,
 * synced from Meta every few minutes) and filtered in the browser, so search is instant.
 */
export function useTemplates(locale: string, isEnabled: boolean) {
  const bridge = useBridge();
  const [state, setState] = useState<TemplatesState>({ status: 'loading' });
  const [isSyncing, setIsSyncing] = useState(false);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const call = ++latest.current;
    setState({ status: 'loading' });
    try {
      const list = await bridge.listTemplates(locale);
      if (call === latest.current) setState({ status: 'ready', list });
    } catch (failure) {
      if (call === latest.current) setState({ status: 'error', error: toBridgeError(failure) });
    }
  }, [bridge, locale]);

  /** Asks the bridge to read the templates from Meta now, then lists them again. */
  const sync = useCallback(async () => {
    setIsSyncing(true);
    try {
      await bridge.syncTemplates();
      await load();
    } catch (failure) {
      latest.current++;
      setState({ status: 'error', error: toBridgeError(failure) });
    } finally {
      setIsSyncing(false);
    }
  }, [bridge, load]);

  useEffect(() => {
    if (isEnabled) void load();
    return () => {
      latest.current++;
    };
  }, [isEnabled, load]);

  return { state, reload: load, sync, isSyncing };
}
