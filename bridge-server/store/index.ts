/**
 * The store: one Kysely instance over SQLite (embedded, the default) or PostgreSQL.
 * Domain code talks to repositories built on this, never to the driver, so no SQLite-only SQL
 * leaks into it.
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider, sql } from 'kysely';
import type { Database } from './schema';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import * as m001 from './migrations/001-initial';
import * as m002 from './migrations/002-outbound';
import * as m003 from './migrations/003-templates';
import * as m004 from './migrations/004-outbound-recovery';
import * as m005 from './migrations/005-status-callback-data';
import * as m006 from './migrations/006-template-send-recovery';

export type Store = Kysely<Database>;

const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-outbound': m002,
  '003-templates': m003,
  '004-outbound-recovery': m004,
  '005-status-callback-data': m005,
  '006-template-send-recovery': m006,
};

class CodeMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export interface OpenedStore {
  db: Store;
  kind: 'sqlite' | 'postgres';
  /** Where the data lives, for logs and `doctor` (no credentials). */
  location: string;
  close(): Promise<void>;
}

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export function openStore(databaseUrl: string): OpenedStore {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length) || './data/bridge.db';
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    let sqlite: SqliteDatabase.Database;
    try {
      sqlite = new SqliteDatabase(file);
    } catch (cause) {
      throw new StoreError(`Cannot open the SQLite store at ${file}: ${(cause as Error).message}. Check that the folder is writable.`, { cause });
    }
    // WAL: readers never block the writer; NORMAL: a commit survives a process crash (it is in
    // the WAL before the call returns); only an OS crash or power cut can lose the last commits.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    let checkpointer: Checkpointer | null = null;
    if (file !== ':memory:') {
      sqlite.pragma('wal_autocheckpoint = 0');
      checkpointer = startCheckpointer(path.resolve(file), () => {
        // Never let the log grow without bound: fall back to checkpointing in the commits.
        sqlite.pragma('wal_autocheckpoint = 1000');
      });
    }
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return {
      db,
      kind: 'sqlite',
      location: path.resolve(file),
      close: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
    };
  }
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    throw new StoreError(
      'DATABASE_URL points at PostgreSQL, which this version of the bridge does not support yet. Use sqlite:<path> (the default is sqlite:./data/bridge.db).',
    );
  }
  throw new StoreError(`DATABASE_URL must start with sqlite: or postgres:// (got "${databaseUrl.split(':')[0]}:…").`);
}

/**
 * better-sqlite3 compiles a statement on every `prepare`; Kysely prepares every query. Keeping
 * the compiled statements by SQL text halves the cost of a query on the webhook path.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, max = 500) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        // Queries with `in (…)` lists of varying length make new texts: keep the cache bounded.
        if (cache.size >= max) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/** Applies every pending migration; returns the names applied now. */
export async function migrate(db: Store): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreError(`Migration ${failed} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied. */
export async function migrationsDone(db: Store): Promise<boolean> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider() });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}

export async function ping(db: Store): Promise<void> {
  await sql`select 1`.execute(db);
}
