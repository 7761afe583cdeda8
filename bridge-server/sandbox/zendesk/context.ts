import type { ResolvedOptions } from './options';
import type { RateLimiter } from './rate-limits';
import type { AuditRecord, TicketRecord, ZendeskState } from './state';

/** What every route and domain function of the sandbox is given (nothing is global). */
export interface SandboxContext {
  state: ZendeskState;
  options: ResolvedOptions;
  limiter: RateLimiter;
  /** Epoch ms on the sandbox clock. */
  now(): number;
  /** ISO 8601 with milliseconds on the sandbox clock. */
  isoNow(): string;
  /** Called after every ticket create or update (the triggers run here). */
  afterChange?(event: { ticket: TicketRecord; audit: AuditRecord; created: boolean }): void;
}
