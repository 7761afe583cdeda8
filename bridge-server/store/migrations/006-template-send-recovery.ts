import type { Kysely } from 'kysely';

/**
 * Template sends whose outcome is unknown, and leases on their comment that a clock change
 * cannot break (sync/send-template.ts):
 *   - `template_sends.in_doubt_at`: when the Graph API left the send's outcome unknown (no answer,
 *     a 5xx without Meta's code, a 200 without a message id). It stays set after the send is
 *     settled, so a send that was never confirmed can be told from one Meta refused;
 *   - `template_sends.comment_lease_until`: the end of the attempt under way at the public comment,
 *     in real time (epoch ms from the system clock, never the sandbox's adjustable clock), so that
 *     moving the simulated clock does not hand a comment still being written to a second attempt.
 * Portable DDL only, as in 001.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('template_sends').addColumn('in_doubt_at', 'bigint').execute();
  await db.schema.alterTable('template_sends').addColumn('comment_lease_until', 'bigint').execute();
}
