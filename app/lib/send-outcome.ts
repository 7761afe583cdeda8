/**
 * What a template send came to, read from whatever the bridge answered. A 2xx is not always a
 * send: bridges before the "outcome unknown" change answered a repeated key of a failed send with
 * 200 `{status: 'failed', replayed: true}`, and newer ones answer 202 `outcome_unknown` when
 * Meta's answer was lost. So the sidebar reads the body, never only the HTTP status:
 *
 * - `sent`: Meta took it (`accepted`, or a later delivery state);
 * - `uncertain`: it may have reached the customer (`outcome_unknown`, `isUncertain`, the error
 *   code `outcome_unknown`, or a status this app does not know): no new send may be offered, the
 *   agent watches its delivery state instead;
 * - `failed`: the bridge says it was not sent (a `failed`/`not_sent` body, or an error answer).
 */
import { BridgeError } from './bridge-client';
import type { TemplateSendResult } from './bridge-templates';

export type SendOutcome =
  | { kind: 'sent'; result: TemplateSendResult }
  /** `message`: the bridge's own explanation, in the agent's language, when it gave one (for logs and tests; the form says it in its own words). */
  | { kind: 'uncertain'; message: string | null }
  | { kind: 'failed'; error: BridgeError };

/** The code (answer body or error) of a send whose outcome the bridge does not know. */
export const OUTCOME_UNKNOWN = 'outcome_unknown';

const SENT = new Set(['accepted', 'sent', 'delivered', 'read']);
const FAILED = new Set(['failed', 'not_sent', 'rejected']);

/** A 2xx answer of POST /tickets/:id/templates. */
export function outcomeOfAnswer(result: TemplateSendResult): SendOutcome {
  if (result.isUncertain || result.code === OUTCOME_UNKNOWN || result.status === OUTCOME_UNKNOWN) return { kind: 'uncertain', message: result.message ?? null };
  if (SENT.has(result.status)) return { kind: 'sent', result };
  if (FAILED.has(result.status)) {
    // No error body to quote: the sidebar explains it with its own words (`send_failed`).
    return { kind: 'failed', error: new BridgeError('server', 200, result.message ?? '', result.code ?? 'send_failed') };
  }
  return { kind: 'uncertain', message: result.message ?? null };
}

/** A rejected send: an error answer of the bridge, or no answer at all (`unreachable`). */
export function outcomeOfError(error: BridgeError): SendOutcome {
  if (error.code === OUTCOME_UNKNOWN) return { kind: 'uncertain', message: error.message || null };
  return { kind: 'failed', error };
}
