/**
 * When to try again, read as a table (after stripe-node's shouldRetry):
 *
 *   out of attempts                      → no
 *   connection error or timeout          → yes
 *   the server says when (Retry-After)   → yes, then
 *   409 conflict                         → yes (after re-reading)
 *   5xx                                  → yes
 *   anything else                        → no
 *
 * Delays grow exponentially, capped, with jitter so many waiting customers do not retry in step.
 */
export interface RetryInput {
  attempt: number; // 1 for the first failure
  maxAttempts: number;
  status: number | null; // null: no answer (connection error, timeout)
  retryAfterMs?: number | null;
}

export function shouldRetry({ attempt, maxAttempts, status }: RetryInput): boolean {
  if (attempt >= maxAttempts) return false;
  if (status === null) return true;
  if (status === 429) return true;
  if (status === 409) return true;
  if (status >= 500) return true;
  return false;
}

export function backoffMs(attempt: number, { baseMs = 500, capMs = 10 * 60_000, random = Math.random } = {}): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export function retryDelayMs(input: RetryInput, opts?: Parameters<typeof backoffMs>[1]): number {
  if (input.retryAfterMs && input.retryAfterMs > 0) return input.retryAfterMs;
  return backoffMs(input.attempt, opts);
}
