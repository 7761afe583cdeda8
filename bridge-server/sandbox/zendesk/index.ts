/**
 * A simulated Zendesk Support account for tests, benchmarks and the `npm start` demo: the
 * REST endpoints the bridge uses, with Zendesk's auth, rate limits, validation rules, audits,
 * uploads and bulk jobs, plus fault injection and agent actions.
 *
 *   const zendesk = createZendeskSandbox({ clock });
 *   const baseUrl = await zendesk.listen();   // http://127.0.0.1:PORT
 *   …
 *   await zendesk.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { addAgentComment, type AgentComment, createAgent, setTicketStatus } from './agent-actions';
import { buildApp } from './app';
import { deliverInvocation, fireTriggers, type WebhookInvocation } from './domain/trigger-firing';
import type { SandboxContext } from './context';
import { JobQueue } from './domain/jobs';
import { seedAdmin } from './domain/users';
import { FaultRegistry } from './faults';
import { type ResolvedOptions, resolveOptions, type ZendeskSandboxOptions } from './options';
import { RateLimiter } from './rate-limits';
import {
  type AuditRecord,
  type CommentRecord,
  createState,
  createStats,
  type TicketRecord,
  type TicketStatus,
  type UserRecord,
  type ZendeskState,
} from './state';

export interface ZendeskSandbox {
  app: Express;
  state: ZendeskState;
  faults: FaultRegistry;
  options: ResolvedOptions;
  /** The built-in admin every authenticated request acts as (id 1). */
  readonly admin: UserRecord;
  /** `http://127.0.0.1:PORT` once listening. */
  readonly baseUrl: string | undefined;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  /** Comments of a ticket, oldest first (attachment bytes are in `state.attachments`). */
  comments(ticketId: number): CommentRecord[];
  audits(ticketId: number): AuditRecord[];
  setTicketStatus(ticketId: number, status: TicketStatus): TicketRecord;
  addAgentComment(ticketId: number, comment: AgentComment): CommentRecord;
  createAgent(name: string, email?: string): UserRecord;
  /** Webhook calls made by triggers so far. */
  webhookInvocations(): WebhookInvocation[];
  /** Delivers a webhook call again (as Zendesk may), freshly signed; resolves with the HTTP status. */
  redeliverWebhook(invocation: WebhookInvocation): Promise<number | null>;
  resetStats(): void;
}

export function createZendeskSandbox(options: ZendeskSandboxOptions = {}): ZendeskSandbox {
  const resolved = resolveOptions(options);
  const state = createState(resolved.subdomain);
  const ctx: SandboxContext = {
    state,
    options: resolved,
    limiter: new RateLimiter(resolved.plan, resolved.clock),
    now: () => resolved.clock.now(),
    isoNow: () => new Date(resolved.clock.now()).toISOString(),
  };
  ctx.afterChange = (event) => fireTriggers(ctx, event);
  seedAdmin(ctx);
  const faults = new FaultRegistry();
  const jobs = new JobQueue(ctx);
  const app = buildApp(ctx, faults, jobs);
  let server: Server | undefined;
  let baseUrl: string | undefined;

  return {
    app,
    state,
    faults,
    options: resolved,
    get admin() {
      const admin = state.users.get(state.adminUserId);
      if (!admin) throw new Error('The sandbox admin user is missing from state.users');
      return admin;
    },
    get baseUrl() {
      return baseUrl;
    },
    listen(port = 0) {
      if (server) return Promise.reject(new Error(`The Zendesk sandbox is already listening on ${baseUrl}`));
      const listening = createServer(app);
      server = listening;
      return new Promise<string>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, '127.0.0.1', () => {
          const { port: actual } = listening.address() as AddressInfo;
          baseUrl = `http://127.0.0.1:${actual}`;
          resolve(baseUrl);
        });
      });
    },
    close() {
      jobs.close();
      const closing = server;
      server = undefined;
      baseUrl = undefined;
      if (!closing) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        closing.close((error) => (error ? reject(error) : resolve()));
        closing.closeAllConnections();
      });
    },
    comments: (ticketId) => state.comments.get(ticketId) ?? [],
    audits: (ticketId) => state.audits.get(ticketId) ?? [],
    setTicketStatus: (ticketId, status) => setTicketStatus(ctx, ticketId, status),
    addAgentComment: (ticketId, comment) => addAgentComment(ctx, ticketId, comment),
    createAgent: (name, email) => createAgent(ctx, name, email),
    webhookInvocations: () => state.webhookInvocations,
    redeliverWebhook: (invocation) => deliverInvocation(ctx, invocation),
    resetStats: () => {
      state.stats = createStats();
    },
  };
}

export type { ZendeskSandboxOptions, PlanLimits, SandboxAuthOptions } from './options';
export { DEFAULT_API_TOKEN, DEFAULT_BEARER_TOKEN, DEFAULT_OAUTH_CLIENT, ENTERPRISE_PLAN } from './options';
export type { FaultSpec, Fault } from './faults';
export type { AgentComment } from './agent-actions';
export type { WebhookInvocation } from './domain/trigger-firing';
export * from './state';
