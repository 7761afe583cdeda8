/**
 * One customer, whatever form their id takes. A customer is known by aliases:
 * `bsuid:<business-scoped user id>` (preferred, from 2026) and `wa:<canonical number>`, where the
 * canonical number folds the two forms WhatsApp uses for Brazilian (ninth digit) and Mexican
 * (`521…`/`52…`) mobiles into one.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema';

/**
 * Brazil: 55 + area code + 9 + eight digits is the same mobile as without the 9.
 * Mexico: 521 + ten digits is the same mobile as 52 + ten digits.
 */
export function canonicalWaId(waId: string): string {
  const digits = waId.replace(/\D/g, '');
  const br = /^55(\d{2})9([6-9]\d{7})$/.exec(digits);
  if (br) return `55${br[1]}${br[2]}`;
  const mx = /^521(\d{10})$/.exec(digits);
  if (mx) return `52${mx[1]}`;
  return digits;
}

export function aliasesOf(ids: { bsuid?: string | null; waId?: string | null }): string[] {
  const out: string[] = [];
  if (ids.bsuid) out.push(`bsuid:${ids.bsuid}`);
  if (ids.waId && ids.waId.replace(/\D/g, '')) out.push(`wa:${canonicalWaId(ids.waId)}`);
  return out;
}

/** The external_id of the customer's Zendesk user: stable for the customer's life. */
export function externalIdOf(customer: { id: number; bsuid: string | null; wa_id: string | null }): string {
  if (customer.bsuid) return `whatsapp:bsuid:${customer.bsuid}`;
  if (customer.wa_id) return `whatsapp:wa:${canonicalWaId(customer.wa_id)}`;
  return `whatsapp:customer:${customer.id}`;
}

export interface SeenIds {
  bsuid: string | null;
  waId: string | null;
  profileName: string | null;
  phoneNumberId: string;
}

/**
 * Finds the customer these ids belong to, or creates one; records any alias not yet known and
 * moves the customer's window (`last_inbound_ts`) forward to `ts`. Writes only what changed:
 * this runs for every inbound message.
 */
export async function resolveCustomer(trx: Transaction<Database>, seen: SeenIds, ts: number, now: number): Promise<number | null> {
  const aliases = aliasesOf(seen);
  if (aliases.length === 0) return null;
  const known = await trx
    .selectFrom('customer_aliases')
    .innerJoin('customers', 'customers.id', 'customer_aliases.customer_id')
    .select(['customer_aliases.alias', 'customers.id', 'customers.bsuid', 'customers.wa_id', 'customers.profile_name', 'customers.phone_number_id', 'customers.last_inbound_ts'])
    .where('customer_aliases.alias', 'in', aliases)
    .execute();
  // The business-scoped id wins over the number when both are known but point apart.
  const match = known.find((k) => k.alias.startsWith('bsuid:')) ?? known[0];
  let customerId: number;
  if (match) {
    customerId = Number(match.id);
    const patch: Partial<Database['customers']> = {};
    if (seen.waId && seen.waId !== match.wa_id) patch.wa_id = seen.waId;
    if (seen.bsuid && seen.bsuid !== match.bsuid) patch.bsuid = seen.bsuid;
    if (seen.profileName && seen.profileName !== match.profile_name) patch.profile_name = seen.profileName;
    if (seen.phoneNumberId !== match.phone_number_id) patch.phone_number_id = seen.phoneNumberId;
    if (match.last_inbound_ts === null || ts > Number(match.last_inbound_ts)) patch.last_inbound_ts = ts;
    if (Object.keys(patch).length) await trx.updateTable('customers').set({ ...patch, updated_at: now } as never).where('id', '=', customerId).execute();
  } else {
    const row = await trx
      .insertInto('customers')
      .values({
        bsuid: seen.bsuid,
        wa_id: seen.waId,
        profile_name: seen.profileName,
        phone_number_id: seen.phoneNumberId,
        zendesk_user_id: null,
        ticket_id: null,
        ticket_status: null,
        ticket_updated_at: null,
        last_written_ts: null,
        last_inbound_ts: ts,
        retry_at: null,
        attempts: 0,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    customerId = Number(row.id);
  }
  const knownAliases = new Set(known.filter((k) => Number(k.id) === customerId).map((k) => k.alias));
  for (const alias of aliases) {
    if (knownAliases.has(alias)) continue;
    await trx
      .insertInto('customer_aliases')
      .values({ alias, customer_id: customerId })
      .onConflict((oc) => oc.column('alias').doUpdateSet({ customer_id: customerId }))
      .execute();
  }
  return customerId;
}

/** `user_changed_number`: the customer keeps their user and ticket; the new number now finds them. */
export async function moveNumber(trx: Transaction<Database>, customerId: number, oldWaId: string | null, newWaId: string, now: number): Promise<void> {
  if (oldWaId) await trx.deleteFrom('customer_aliases').where('alias', '=', `wa:${canonicalWaId(oldWaId)}`).where('customer_id', '=', customerId).execute();
  await trx
    .insertInto('customer_aliases')
    .values({ alias: `wa:${canonicalWaId(newWaId)}`, customer_id: customerId })
    .onConflict((oc) => oc.column('alias').doUpdateSet({ customer_id: customerId }))
    .execute();
  await trx.updateTable('customers').set({ wa_id: newWaId, updated_at: now }).where('id', '=', customerId).execute();
}
