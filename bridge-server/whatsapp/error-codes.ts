/**
 * Graph error codes, read as a table (docs: shared reference "Error codes"): what the bridge does
 * with each, and what the agent reads in the internal note. Act on the code, not the HTTP status.
 */
export type GraphErrorAction = 'retry' | 'tell-agent' | 'tell-admin';

/** Codes worth another try, with backoff: throughput, pair rate, temporary server trouble. */
const RETRYABLE = new Set([1, 2, 4, 80007, 130429, 131056, 131000, 131016, 133004, 131057]);
/** Codes about the bridge's own credentials or account: the agent cannot fix them. */
const ADMIN = new Set([0, 3, 10, 190, 131031, 131042, 368]);

/** The i18n key (`outbound.error.<key>`) that explains a code to the agent. */
const EXPLAINED: Record<number, string> = {
  131047: 'window',
  131026: 'undeliverable',
  131021: 'recipient',
  131051: 'unsupported',
  131052: 'mediaDownload',
  131053: 'mediaUpload',
  132000: 'paramCount',
  132001: 'templateMissing',
  132005: 'tooLong',
  132007: 'policy',
  132012: 'paramFormat',
  132015: 'templatePaused',
  132016: 'templateDisabled',
  131049: 'marketing',
  131050: 'marketingStopped',
  131048: 'spam',
  131042: 'billing',
  131031: 'locked',
  368: 'locked',
  190: 'token',
  100: 'invalid',
  131008: 'invalid',
  131009: 'invalid',
};

export function graphErrorAction(code: number | null): GraphErrorAction {
  if (code === null) return 'retry'; // no answer: try again (see outbound-send.ts)
  if (RETRYABLE.has(code)) return 'retry';
  if (ADMIN.has(code) || (code >= 200 && code <= 299)) return 'tell-admin';
  return 'tell-agent';
}

/** The key of the sentence that explains `code`; `other` when the table has none. */
export function explanationKey(code: number | null): string {
  if (code === null) return 'unreachable';
  if (code >= 200 && code <= 299) return 'token';
  if (code === 0 || code === 3 || code === 10) return 'token';
  if (RETRYABLE.has(code)) return 'busy';
  return EXPLAINED[code] ?? 'other';
}
