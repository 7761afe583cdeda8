/**
 * The "WhatsApp number" ticket field: `setup` creates it in Zendesk and keeps its id in the
 * store; the bridge fills it with the customer's +number (or their business-scoped id when
 * WhatsApp hides the number) in the very request that creates a ticket, so agents can search
 * tickets by number and build views on it without an extra Zendesk request.
 *
 * Zendesk ignores values for a field that no longer exists (an admin deleted it): the ticket is
 * created all the same, only without the value. The bridge notices it in the answer, stops
 * sending the field, logs it and remembers it, so `doctor` can say to run `setup` again.
 */
import type { Store } from '../store';
import type { Logger } from '../lib/logger';

/** Where `setup` keeps the field's id (bridge_settings). */
export const NUMBER_FIELD_KEY = 'zendesk.whatsapp_number_field_id';
/** The id of a field Zendesk no longer knows, kept for `doctor` until `setup` creates a new one. */
export const NUMBER_FIELD_LOST_KEY = 'zendesk.whatsapp_number_field_lost';

/** The stored field id, or null when `setup` has not created it (or it was lost). */
export async function numberFieldId(db: Store): Promise<number | null> {
  const row = await db.selectFrom('bridge_settings').select('value').where('key', '=', NUMBER_FIELD_KEY).executeTakeFirst();
  const id = row ? Number(row.value) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** What the field holds for a customer: `+<wa_id>`, else the business-scoped user id. */
export function numberFieldValue(customer: { wa_id: string | null; bsuid: string | null }): string | null {
  if (customer.wa_id) return `+${customer.wa_id.replace(/\D/g, '')}`;
  return customer.bsuid ?? null;
}

/** Stores the field's id (setup), forgetting any lost one. */
export async function rememberNumberField(db: Store, id: number, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('bridge_settings')
      .values({ key: NUMBER_FIELD_KEY, value: String(id), updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(id), updated_at: now }))
      .execute();
    await trx.deleteFrom('bridge_settings').where('key', '=', NUMBER_FIELD_LOST_KEY).execute();
  });
}

interface FieldValue {
  id: number | string;
  value: unknown;
}

/**
 * After a create that carried the field: when Zendesk's answer does not list it, the field is
 * gone. The bridge stops sending it (so no later write depends on it) and records the lost id.
 */
export async function checkNumberFieldKept(
  deps: { db: Store; logger: Logger; clock: { now(): number } },
  sent: FieldValue[] | undefined,
  answer: { id: number; custom_fields?: FieldValue[] },
): Promise<void> {
  if (!sent?.length || !answer.custom_fields) return;
  const fieldId = await numberFieldId(deps.db);
  const ours = sent.find((f) => Number(f.id) === fieldId);
  if (!ours || fieldId === null) return;
  if (answer.custom_fields.some((f) => Number(f.id) === fieldId)) return;
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('bridge_settings').where('key', '=', NUMBER_FIELD_KEY).where('value', '=', String(fieldId)).execute();
    await trx
      .insertInto('bridge_settings')
      .values({ key: NUMBER_FIELD_LOST_KEY, value: String(fieldId), updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(fieldId), updated_at: now }))
      .execute();
  });
  deps.logger.warn(
    { fieldId, ticketId: answer.id },
    'the "WhatsApp number" ticket field no longer exists in Zendesk: tickets are created without it. Run `npm run bridge -- setup` to create it again',
  );
}

/** One line for `doctor`: whether tickets get the field, and what to do when not. */
/** `ok`: in use; `note`: setup has not created it; `lost`: deleted in Zendesk, setup must run. */
export async function describeNumberField(db: Store): Promise<{ level: 'ok' | 'note' | 'lost'; text: string }> {
  const id = await numberFieldId(db);
  if (id !== null) return { level: 'ok', text: `ticket field #${id} is filled with the customer's number on new tickets` };
  const lost = await db.selectFrom('bridge_settings').select(['value', 'updated_at']).where('key', '=', NUMBER_FIELD_LOST_KEY).executeTakeFirst();
  if (lost) {
    return {
      level: 'lost',
      text: `ticket field #${lost.value} was deleted in Zendesk (noticed ${new Date(Number(lost.updated_at)).toISOString()}); new tickets are created without the number field. Run \`npm run bridge -- setup\` to create it again`,
    };
  }
  return { level: 'note', text: 'not created yet: run `npm run bridge -- setup` so new tickets carry the customer\'s number in a searchable field' };
}
