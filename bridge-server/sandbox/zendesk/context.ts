import type { ResolvedOptions } from './options';
import type { RateLimiter } from './rate-limits';
import type { ZendeskState } from './state';

/** What every route and domain function of the sandbox is given (nothing is global). */
export interface SandboxContext {
  state: ZendeskState;
  options: ResolvedOptions;
  limiter: RateLimiter;
  /** Epoch ms on the sandbox clock. */
  now(): number;
  /** ISO 8601 with milliseconds on the sandbox clock. */
  isoNow(): string;
}
