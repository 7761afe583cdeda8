import type { Kysely } from 'kysely';

/**
 * The outbound side's recovery and timing columns:
 *   - `outbound_messages.webhook_received_at`: when the Zendesk webhook that queued the part
 *     arrived, for the webhook → Graph acceptance latency in /metrics;
 *   - `outbound_messages.resent_in_doubt`: 1 when the part was sent again after an attempt whose
 *     outcome stayed unknown (the customer may get it twice; the ticket says so);
 *   - `template_sends.comment_attempts` / `comment_next_at`: the public comment of a sent
 *     template is retried from the store until Zendesk has it.
 * Portable DDL only, as in 001.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbound_messages').addColumn('webhook_received_at', 'bigint').execute();
  await db.schema.alterTable('outbound_messages').addColumn('resent_in_doubt', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('template_sends').addColumn('comment_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('template_sends').addColumn('comment_next_at', 'bigint').execute();
  await db.schema.createIndex('template_sends_comment').on('template_sends').columns(['comment_state', 'comment_next_at']).execute();
}
