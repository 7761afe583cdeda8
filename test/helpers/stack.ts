/**
 * Test helpers around the sandbox stack: a fresh store per test, signed deliveries, and waiting
 * for what a user would check (comments on tickets).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack, type StackOptions } from '../../bridge-server/sandbox/stack';
import { deliver } from '../../bridge-server/sandbox/whatsapp/phone';
import type { CommentRecord, TicketRecord, UserRecord } from '../../bridge-server/sandbox/zendesk/state';

export class TestStack {
  constructor(
    readonly stack: Stack,
    readonly dir: string,
  ) {}

  get zendesk() {
    return this.stack.zendesk;
  }
  get whatsapp() {
    return this.stack.whatsapp;
  }
  get bridge() {
    return this.stack.bridge;
  }
  get webhookUrl() {
    return this.stack.webhookUrl;
  }
  get bridgeUrl() {
    return this.stack.bridgeUrl;
  }
  get db() {
    return this.stack.bridge.store.db;
  }

  /** POSTs the envelope to the bridge signed with the app secret, as Meta does. */
  send(envelope: unknown): Promise<Response> {
    return deliver(this.webhookUrl, envelope, this.whatsapp.settings.appSecret);
  }
  ticketsOf(user: UserRecord): TicketRecord[] {
    return [...this.zendesk.state.tickets.values()].filter((t) => t.requester_id === user.id).sort((a, b) => a.id - b.id);
  }
  userByExternalId(externalId: string): UserRecord | undefined {
    return [...this.zendesk.state.users.values()].find((u) => u.external_id?.toLowerCase() === externalId.toLowerCase());
  }
  usersNamed(name: string): UserRecord[] {
    return [...this.zendesk.state.users.values()].filter((u) => u.name === name);
  }
  publicComments(ticketId: number): CommentRecord[] {
    return this.zendesk.comments(ticketId).filter((c) => c.public);
  }
  restartBridge(options?: Parameters<Stack['restartBridge']>[0]) {
    return this.stack.restartBridge(options);
  }
  async close(): Promise<void> {
    await this.stack.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startTestStack(options: Partial<StackOptions> = {}): Promise<TestStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-zd-'));
  const stack = await startStack({
    databaseUrl: `sqlite:${path.join(dir, 'bridge.db')}`,
    ...options,
    bridge: { worker: { sweepIntervalMs: 200, bulkIntervalMs: 100 }, ...options.bridge },
  });
  return new TestStack(stack, dir);
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, { timeoutMs = 10_000, intervalMs = 20, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
