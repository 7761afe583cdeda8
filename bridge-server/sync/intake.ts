/**
 * Intake: turns stored webhook bodies into rows, one transaction per batch of events.
 * Messages are deduplicated on the wamid, statuses on (wamid, status); what cannot be understood
 * goes to the dead-letter table. Nothing is sent anywhere from here: delivery runs from the rows.
 */
import type { Store } from '../store';
import type { Metrics } from '../lib/metrics';
import type { Logger } from '../lib/logger';
import type { Clock } from '../lib/clock';
import { splitWebhook, type InboundItem } from '../whatsapp/webhook-payload';
import { moveNumber, resolveCustomer } from './identity';

export interface IntakeDeps {
  db: Store;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
}

export interface IntakeResult {
  events: number;
  stored: number;
  duplicates: number;
  statuses: number;
  deadLetters: number;
  /** Customers that now have messages waiting. */
  customers: Set<number>;
}

/** The JSON kept for each inbound message: the message as Meta sent it and who sent it. */
export interface StoredPayload {
  message: InboundItem['message'];
  profileName: string | null;
  username: string | null;
  waId: string | null;
  userId: string | null;
  displayPhoneNumber: string;
}

export async function splitPendingEvents(deps: IntakeDeps, batchSize = 200): Promise<IntakeResult> {
  const result: IntakeResult = { events: 0, stored: 0, duplicates: 0, statuses: 0, deadLetters: 0, customers: new Set() };
  const events = await deps.db
    .selectFrom('webhook_events')
    .select(['id', 'raw_body', 'received_at'])
    .where('state', '=', 'pending')
    .where('source', '=', 'whatsapp')
    .orderBy('id')
    .limit(batchSize)
    .execute();
  if (events.length === 0) return result;
  const now = deps.clock.now();

  await deps.db.transaction().execute(async (trx) => {
    for (const event of events) {
      const eventId = Number(event.id);
      result.events++;
      let payload: unknown;
      try {
        payload = JSON.parse(event.raw_body);
      } catch (error) {
        await trx
          .insertInto('dead_letters')
          .values({ event_id: eventId, source: 'whatsapp', path: 'body', reason: `not JSON: ${(error as Error).message}`, raw: event.raw_body.slice(0, 1_000_000), created_at: now })
          .execute();
        result.deadLetters++;
        continue;
      }
      const split = splitWebhook(payload);

      for (const item of split.messages) {
        const customerId = await resolveCustomer(trx, { bsuid: item.userId, waId: item.waId, profileName: item.profileName, phoneNumberId: item.phoneNumberId }, item.timestamp, now);
        if (customerId === null) {
          await trx
            .insertInto('dead_letters')
            .values({ event_id: eventId, source: 'whatsapp', path: item.messageId, reason: 'message without a sender: neither wa_id/from nor a business-scoped user id', raw: JSON.stringify(item.message), created_at: now })
            .execute();
          result.deadLetters++;
          continue;
        }
        const stored: StoredPayload = {
          message: item.message,
          profileName: item.profileName,
          username: item.username,
          waId: item.waId,
          userId: item.userId,
          displayPhoneNumber: item.displayPhoneNumber,
        };
        const inserted = await trx
          .insertInto('inbound_messages')
          .values({
            message_id: item.messageId,
            customer_id: customerId,
            phone_number_id: item.phoneNumberId,
            ts: item.timestamp,
            type: item.type,
            payload: JSON.stringify(stored),
            state: 'pending',
            delivery_id: null,
            late: 0, // decided when the message is picked up for writing
            received_at: Number(event.received_at),
            delivered_at: null,
            error: null,
          })
          .onConflict((oc) => oc.column('message_id').doNothing())
          .executeTakeFirst();
        if (!inserted.numInsertedOrUpdatedRows) {
          result.duplicates++;
          deps.metrics.inboundMessages.inc({ outcome: 'duplicate' });
          continue;
        }
        result.stored++;
        result.customers.add(customerId);
        deps.metrics.inboundMessages.inc({ outcome: 'stored' });
        const m = item.message as { type: string; system?: { type?: string; wa_id?: string } };
        if (m.type === 'system' && m.system?.type === 'user_changed_number' && m.system.wa_id) {
          await moveNumber(trx, customerId, item.waId, m.system.wa_id, now);
        }
      }

      for (const s of split.statuses) {
        const inserted = await trx
          .insertInto('status_events')
          .values({ message_id: s.statusId, status: s.status, ts: s.timestamp, recipient: s.recipientUserId ?? s.recipientWaId, raw: JSON.stringify(s.raw), received_at: now, callback_data: s.raw.biz_opaque_callback_data || null })
          .onConflict((oc) => oc.columns(['message_id', 'status']).doNothing())
          .executeTakeFirst();
        if (inserted.numInsertedOrUpdatedRows) {
          result.statuses++;
          deps.metrics.statusEvents.inc({ status: s.status });
        }
      }

      for (const t of split.templateEvents) {
        await trx.insertInto('template_events').values({ field: t.field, waba_id: t.wabaId, raw: JSON.stringify(t.value), received_at: now }).execute();
      }

      for (const e of split.errors) {
        await trx
          .insertInto('dead_letters')
          .values({ event_id: eventId, source: 'whatsapp', path: e.path, reason: `Meta reported an error for number ${e.phoneNumberId}: ${e.error.code} ${e.error.title ?? ''} ${e.error.message ?? ''}`.trim(), raw: JSON.stringify(e.error), created_at: now })
          .execute();
        result.deadLetters++;
      }

      for (const bad of split.invalid) {
        await trx
          .insertInto('dead_letters')
          .values({ event_id: eventId, source: 'whatsapp', path: bad.path, reason: bad.reason, raw: JSON.stringify(bad.raw ?? null).slice(0, 1_000_000), created_at: now })
          .execute();
        result.deadLetters++;
      }
    }
    await trx
      .updateTable('webhook_events')
      .set({ state: 'split', processed_at: now })
      .where('id', 'in', events.map((e) => Number(e.id)))
      .execute();
  });
  if (result.deadLetters) {
    deps.metrics.deadLetters.inc({ source: 'whatsapp' }, result.deadLetters);
    deps.logger.warn({ deadLetters: result.deadLetters }, 'webhook items kept in the dead-letter table: list them with `npm run bridge -- deadletters`');
  }
  return result;
}
