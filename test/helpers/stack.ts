/**
 * Test helpers around the sandbox stack: a fresh store per test, signed deliveries, and waiting
 * for what a user would check (comments on tickets).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack, type StackOptions } from '../../bridge-server/sandbox/stack';
import { deliver } from '../../bridge-server/sandbox/whatsapp/phone';
import type { AttachmentRecord, CommentRecord, TicketRecord, UserRecord } from '../../bridge-server/sandbox/zendesk/state';

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
    // The simulated number sees the customer write too: their 24-hour window opens there.
    this.whatsapp.outbox.observeInbound(envelope);
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
  /** Public comments on all of the user's tickets, oldest ticket first. */
  commentsOfUser(user: UserRecord): CommentRecord[] {
    return this.ticketsOf(user).flatMap((t) => this.publicComments(t.id));
  }
  /** The files attached to a comment, with their bytes. */
  attachmentsOf(comment: CommentRecord): AttachmentRecord[] {
    return comment.attachment_ids.map((id) => {
      const attachment = this.zendesk.state.attachments.get(id);
      if (!attachment) throw new Error(`attachment ${id} of comment ${comment.id} is missing`);
      return attachment;
    });
  }
  /**
   * Waits until the user with this external_id exists and their tickets hold `count` public
   * comments (never more: a test of "exactly once" asserts the count afterwards).
   */
  async waitForComments(externalId: string, count: number, opts: { timeoutMs?: number } = {}) {
    const user = await waitFor(() => this.userByExternalId(externalId), { what: `the Zendesk user ${externalId}`, timeoutMs: opts.timeoutMs });
    const comments = await waitFor(() => this.commentsOfUser(user).length >= count && this.commentsOfUser(user), {
      what: () => `${count} comment(s) for ${externalId} (have ${this.commentsOfUser(user).length})`,
      timeoutMs: opts.timeoutMs,
    });
    return { user, tickets: this.ticketsOf(user), comments };
  }
  /** What an operator scrapes: the bridge's Prometheus text. */
  async metricsText(): Promise<string> {
    const res = await fetch(`${this.bridgeUrl}/metrics`);
    return res.text();
  }
  /** The stored inbound messages with their state, in arrival order. */
  inboundMessages() {
    return this.db.selectFrom('inbound_messages').select(['message_id', 'state', 'error', 'late', 'customer_id']).orderBy('id').execute();
  }
  /**
   * Waits until the bridge has nothing left to do: every stored webhook split and no message
   * waiting or being written. Lets "exactly once" tests assert that nothing more will come.
   */
  async settled(opts: { timeoutMs?: number } = {}): Promise<void> {
    await waitFor(
      async () => {
        const events = await this.db.selectFrom('webhook_events').select('id').where('state', '=', 'pending').execute();
        const busy = await this.db.selectFrom('inbound_messages').select('id').where('state', 'in', ['pending', 'sending']).execute();
        return events.length === 0 && busy.length === 0;
      },
      { what: 'the bridge to finish its work', timeoutMs: opts.timeoutMs },
    );
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

/**
 * Polls until `check` returns a value (not undefined/false) or the time is up. `what` names the
 * awaited thing in the timeout error; a function is called then, to describe what was seen.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 20, what = 'condition' as string | (() => string) } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${typeof what === 'function' ? what() : what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
