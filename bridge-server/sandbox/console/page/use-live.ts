/**
 * A number that grows whenever the server says something changed (server-sent events on
 * `/api/events`), with a slow poll as a safety net if the event stream drops.
 */
import { useEffect, useState } from 'react';

export function useLiveRevision(pollMs = 5000): number {
  const [revision, setRevision] = useState(0);
  useEffect(() => {
    const bump = () => setRevision((r) => r + 1);
    const source = new EventSource('/api/events');
    source.addEventListener('change', bump);
    const poll = setInterval(bump, pollMs);
    return () => {
      source.close();
      clearInterval(poll);
    };
  }, [pollMs]);
  return revision;
}

/** Loads `load()` again whenever `deps` change; keeps the last value while reloading. */
export function useLoaded<T>(load: () => Promise<T>, deps: unknown[]): { value: T | null; error: string | null } {
  const [state, setState] = useState<{ value: T | null; error: string | null }>({ value: null, error: null });
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setState({ value, error: null }),
      (error: Error) => live && setState((s) => ({ value: s.value, error: error.message })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}
