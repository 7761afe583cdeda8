import { useCallback, useEffect, useRef, useState } from 'react';
import { toBridgeError, type BridgeError, type FieldError } from '../lib/bridge-client';
import type { TemplateRef, TemplateValues } from '../lib/bridge-templates';
import { useBridge } from './useBridge';

/** Wait this long after the last keystroke before asking the bridge. */
export const PREVIEW_DEBOUNCE_MS = 400;

export type Validation =
  | { status: 'checking' }
  | { status: 'checked'; valid: boolean; errors: FieldError[] }
  | { status: 'error'; error: BridgeError };

/**
 * The bridge's verdict on the values as typed (POST /templates/preview), debounced: only the
 * answer for the latest values is kept. `checkNow` skips the wait (before the confirmation).
 */
export function useTemplatePreview(name: string, language: string, values: TemplateValues, locale: string) {
  const bridge = useBridge();
  const [validation, setValidation] = useState<Validation>({ status: 'checking' });
  const latest = useRef(0);

  const check = useCallback(async (): Promise<Validation> => {
    const call = ++latest.current;
    setValidation({ status: 'checking' });
    const ref: TemplateRef = { name, language, values };
    let result: Validation;
    try {
      const preview = await bridge.previewTemplate(ref, locale);
      result = { status: 'checked', valid: preview.valid, errors: preview.errors };
    } catch (failure) {
      result = { status: 'error', error: toBridgeError(failure) };
    }
    if (call === latest.current) setValidation(result);
    return result;
  }, [bridge, name, language, values, locale]);

  useEffect(() => {
    const timer = setTimeout(() => void check(), PREVIEW_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      latest.current++;
    };
  }, [check]);

  return { validation, checkNow: check };
}
