/**
 * Decides, before `npm start` opens anything under ./data/, whether the sandbox continues or
 * starts afresh, so that the bridge's store (sandbox.db) and the saved simulated Zendesk account
 * (sandbox-zendesk.json) always describe the same tickets.
 *
 * Why: the store commits at once but the account is saved a moment later. After a crash or a
 * `kill -9` in between, the restored account would hand out again ticket ids the store already
 * maps to other customers, and the next customer's messages would thread onto someone else's
 * ticket. So the store is kept only when the account really loaded and knows every ticket, user
 * and comment the store refers to; otherwise the sandbox starts fresh and the log says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { Logger } from '../lib/logger';
import { readSnapshot, SNAPSHOT_FILES } from './persistence';
import { zendeskSnapshotSchema, type ZendeskSnapshot } from './zendesk/snapshot';

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

export type DataDecision =
  /** No saved account: a new sandbox (any old store was deleted). */
  | { outcome: 'new' }
  /** The saved account could not be read: it and the store were moved aside. */
  | { outcome: 'fresh-after-corrupt'; movedTo: string[] }
  /** The store refers to what the saved account does not have: everything was moved aside. */
  | { outcome: 'fresh-after-mismatch'; reason: string; movedTo: string }
  /** The account and the store agree: the sandbox continues. */
  | { outcome: 'continue' };

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
const dbFiles = (dbFile: string) => ['', '-wal', '-shm'].map((suffix) => `${dbFile}${suffix}`);

/** Runs before the stack starts; leaves ./data/ in a state the stack may load as is. */
export function prepareSandboxData({ dataDir, dbFile, logger }: { dataDir: string; dbFile: string; logger?: Log }): DataDecision {
  fs.mkdirSync(dataDir, { recursive: true });
  const clockFile = path.join(dataDir, SNAPSHOT_FILES.clock);
  const account = readSnapshot(path.join(dataDir, SNAPSHOT_FILES.zendesk), zendeskSnapshotSchema, logger);

  if (account.status === 'missing') {
    // A new sandbox: the ids an old store remembers would point at tickets that do not exist.
    for (const file of dbFiles(dbFile)) fs.rmSync(file, { force: true });
    fs.rmSync(clockFile, { force: true });
    return { outcome: 'new' };
  }

  if (account.status === 'corrupt') {
    const suffix = `.corrupt-${stamp()}`;
    const movedTo = dbFiles(dbFile)
      .filter((file) => fs.existsSync(file))
      .map((file) => {
        fs.renameSync(file, `${file}${suffix}`);
        return `${file}${suffix}`;
      });
    fs.rmSync(clockFile, { force: true });
    if (movedTo.length > 0) {
      logger?.error(
        { movedTo },
        `The bridge's store ${dbFile} was moved to ${movedTo[0]} too, because it maps customers to tickets of the simulated Zendesk account that could not be loaded: kept, it would thread new messages onto other customers' tickets. The sandbox starts fresh.`,
      );
    }
    return { outcome: 'fresh-after-corrupt', movedTo };
  }

  const reason = mismatch(dbFile, account.data);
  if (reason === null) return { outcome: 'continue' };
  const folder = path.join(dataDir, `sandbox-set-aside-${stamp()}`);
  fs.mkdirSync(folder, { recursive: true });
  const candidates = [...dbFiles(dbFile), ...Object.values(SNAPSHOT_FILES).map((name) => path.join(dataDir, name))];
  for (const file of candidates) if (fs.existsSync(file)) fs.renameSync(file, path.join(folder, path.basename(file)));
  logger?.error(
    { reason, movedTo: folder },
    `The sandbox starts fresh because the bridge's store and the saved simulated Zendesk account disagree: ${reason}. The account was probably not saved after the last changes (the sandbox was killed?). Continuing would thread new customers' messages onto other customers' tickets. The old files were moved to ${folder}; delete it once you no longer need it.`,
  );
  return { outcome: 'fresh-after-mismatch', reason, movedTo: folder };
}

/**
 * Why the store cannot go with this account, or null when it can: every ticket, user and comment
 * id the store holds must exist in the account or at least have been handed out by it.
 */
export function mismatch(dbFile: string, account: ZendeskSnapshot): string | null {
  if (!fs.existsSync(dbFile)) return null; // a new store against a kept account: nothing to collide with
  let db: SqliteDatabase.Database;
  try {
    db = new SqliteDatabase(dbFile, { fileMustExist: true });
  } catch (error) {
    return `the store could not be opened (${(error as Error).message})`;
  }
  try {
    const rows = <T>(query: string): T[] => {
      try {
        return db.prepare(query).all() as T[];
      } catch (error) {
        if (/no such table|no such column/.test((error as Error).message)) return []; // an older or empty store
        throw error;
      }
    };
    const tickets = new Set(account.tickets.map((t) => t.id));
    const users = new Set(account.users.map((u) => u.id));
    for (const c of rows<{ id: number; ticket_id: number | null; zendesk_user_id: number | null }>('SELECT id, ticket_id, zendesk_user_id FROM customers')) {
      if (c.ticket_id !== null && !tickets.has(c.ticket_id)) return `the store maps a customer to ticket #${c.ticket_id}, which the saved account does not have`;
      if (c.zendesk_user_id !== null && !users.has(c.zendesk_user_id)) return `the store maps a customer to Zendesk user ${c.zendesk_user_id}, which the saved account does not have`;
    }
    const highest = (query: string) => rows<{ n: number | null }>(query)[0]?.n ?? 0;
    const ticketMax = Math.max(
      ...['deliveries', 'outbound_messages', 'outbound_notes', 'template_sends'].map((table) => highest(`SELECT MAX(ticket_id) AS n FROM ${table}`)),
    );
    if (ticketMax > account.sequences.ticket) return `the store knows ticket #${ticketMax}, but the saved account only reached ticket #${account.sequences.ticket}`;
    const commentMax = Math.max(
      ...['deliveries', 'outbound_messages', 'template_sends'].map((table) => highest(`SELECT MAX(comment_id) AS n FROM ${table}`)),
    );
    if (commentMax > account.sequences.event) return `the store knows comment ${commentMax}, but the saved account only reached comment ${account.sequences.event}`;
    return null;
  } catch (error) {
    return `the store could not be read (${(error as Error).message})`;
  } finally {
    db.close();
  }
}
