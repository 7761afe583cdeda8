/**
 * Keeps the `npm start` sandbox from one run to the next: the simulated Zendesk account, the
 * simulated WhatsApp number (customers, what was sent, media, templates) and the moved clock, as
 * JSON snapshots under one folder (./data/ for `npm start`). Files are written atomically (temp
 * file, then rename) within one interval (250 ms) of a change and at shutdown, so a crash loses
 * little; data-check.ts catches the rest (a store ahead of the account). At start they are
 * validated with zod, and a file that cannot be read is moved aside with a log line saying so:
 * the sandbox then starts without it instead of refusing to start.
 *
 * Tests create stacks without it, so nothing is written unless a caller asks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AdjustableClock, type Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { WhatsAppSandbox } from './whatsapp';
import { restoreWhatsApp, snapshotWhatsApp, whatsappSnapshotSchema } from './whatsapp/snapshot';
import { whatsappChangeMark } from './whatsapp/state';
import type { ZendeskSandbox } from './zendesk';
import { restoreState, snapshotState, zendeskSnapshotSchema } from './zendesk/snapshot';
import { zendeskChangeMark } from './zendesk/state';

export const SNAPSHOT_FILES = {
  zendesk: 'sandbox-zendesk.json',
  whatsapp: 'sandbox-whatsapp.json',
  clock: 'sandbox-clock.json',
} as const;

export interface PersistenceOptions {
  /** Folder of the snapshot files (created when missing). */
  dir: string;
  /** How often to look for changes, in ms (default 250); a change is saved at the next look. */
  intervalMs?: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export type ReadOutcome<T> = { status: 'missing' } | { status: 'loaded'; data: T } | { status: 'corrupt'; reason: string; movedTo: string };

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Writes JSON so that a crash leaves either the old file or the new one, never half of one. */
export function writeJsonAtomic(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeFileSync(fd, JSON.stringify(data));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/**
 * Reads and validates a snapshot. A file that is not JSON or not the expected shape is renamed
 * `<file>.corrupt-<time>` (kept for inspection) and reported; the caller starts without it.
 */
export function readSnapshot<T>(file: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>, log?: Log): ReadOutcome<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return moveAside(file, `it could not be read (${(error as Error).message})`, log);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return moveAside(file, `it is not valid JSON (${(error as Error).message})`, log);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return moveAside(file, `it does not have the expected shape (${issue.path.join('.') || 'top level'}: ${issue.message})`, log);
  }
  return { status: 'loaded', data: parsed.data };
}

function moveAside<T>(file: string, reason: string, log?: Log): ReadOutcome<T> {
  const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    fs.renameSync(file, movedTo);
  } catch {
    // Could not move it (permissions?): it will be overwritten by the next save.
  }
  log?.error(
    { file, movedTo, reason },
    `The sandbox snapshot ${file} was not loaded because ${reason}. It was moved to ${movedTo} and the sandbox starts without it; delete that file once you no longer need it.`,
  );
  return { status: 'corrupt', reason, movedTo };
}

const clockSchema = z.object({ offsetMs: z.number().finite() });

/** The saved clock offset (0 when there is none or it cannot be read). */
export function loadClockOffset(dir: string, log?: Log): number {
  const outcome = readSnapshot(path.join(dir, SNAPSHOT_FILES.clock), clockSchema, log);
  return outcome.status === 'loaded' ? outcome.data.offsetMs : 0;
}

export interface Restored {
  zendesk: boolean;
  whatsapp: boolean;
}

export class SandboxPersistence {
  private readonly dir: string;
  private readonly intervalMs: number;
  private readonly log: Log | undefined;
  private timer: NodeJS.Timeout | undefined;
  private savedMark: string | undefined;
  private forced = 0;
  private unsubscribeClock: (() => void) | undefined;

  constructor(
    private readonly parts: { zendesk: ZendeskSandbox; whatsapp: WhatsAppSandbox; clock?: Clock },
    options: PersistenceOptions,
  ) {
    this.dir = options.dir;
    this.intervalMs = options.intervalMs ?? 250;
    this.log = options.logger;
  }

  file(kind: keyof typeof SNAPSHOT_FILES): string {
    return path.join(this.dir, SNAPSHOT_FILES[kind]);
  }

  /** Restores what the snapshots hold into the simulators; says which were found. */
  load(): Restored {
    const { zendesk, whatsapp } = this.parts;
    const account = readSnapshot(this.file('zendesk'), zendeskSnapshotSchema, this.log);
    if (account.status === 'loaded') restoreState(zendesk.state, account.data);
    const number = readSnapshot(this.file('whatsapp'), whatsappSnapshotSchema, this.log);
    if (number.status === 'loaded') restoreWhatsApp({ state: whatsapp.state, outbox: whatsapp.outbox, templates: whatsapp.templates }, number.data);
    this.savedMark = this.mark();
    return { zendesk: account.status === 'loaded', whatsapp: number.status === 'loaded' };
  }

  /** Starts saving changes (and the clock's moves, at once). */
  start(): void {
    if (this.timer) return;
    // The store commits at once; the account follows at the next look, not once changes settle.
    this.timer = setInterval(() => this.saveIfChanged(), this.intervalMs);
    this.timer.unref();
    const { clock } = this.parts;
    if (clock instanceof AdjustableClock) {
      this.unsubscribeClock = clock.onChange((offsetMs) => this.safely(() => writeJsonAtomic(this.file('clock'), { offsetMs })));
    }
  }

  /** For changes the counters cannot see (a renamed customer): saved with the next tick. */
  markChanged(): void {
    this.forced += 1;
  }

  /** Writes both snapshots now. */
  flush(): void {
    const { zendesk, whatsapp } = this.parts;
    const mark = this.mark();
    writeJsonAtomic(this.file('zendesk'), snapshotState(zendesk.state));
    writeJsonAtomic(this.file('whatsapp'), snapshotWhatsApp({ state: whatsapp.state, outbox: whatsapp.outbox, templates: whatsapp.templates }));
    this.savedMark = mark;
  }

  /** Writes both snapshots if anything changed since the last save (e.g. on a signal or at exit); never throws. */
  saveIfChanged(): void {
    if (this.mark() !== this.savedMark) this.safely(() => this.flush());
  }

  /** Stops watching and saves what is left. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribeClock?.();
    this.safely(() => this.flush());
  }

  private mark(): string {
    const { zendesk, whatsapp } = this.parts;
    return `${zendeskChangeMark(zendesk.state)}|${whatsappChangeMark(whatsapp, whatsapp.stats.requests)}|${this.forced}`;
  }

  private safely(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.log?.error({ dir: this.dir, err: error }, `The sandbox could not save its data under ${this.dir} (${(error as Error).message}); check that the folder is writable. It keeps running and tries again at the next change.`);
    }
  }
}
