/**
 * When the Update Ticket budget (100 requests a minute per account) is spent, customers keep
 * writing. Their waiting messages go out together: one `update_many` request carries a comment
 * for each of up to 100 tickets, and counts as one account request. Each ticket still counts
 * towards its own 30-updates-per-10-minutes limit, which the budget checks before a ticket joins.
 */
import { ZendeskError, classifyZendeskFailure } from '../zendesk/errors';
import type { UpdateTicketBody } from '../zendesk/client';
import { completeDelivery, prepareDelivery, reconcile, releaseDelivery, type InboundDeps, type Prepared } from './deliver-inbound';
import { retryDelayMs } from '../lib/retry-policy';
import { COMMENT_CAP_STATUS } from './threading';

export const BULK_MAX_TICKETS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function deliverBulk(deps: InboundDeps, customerIds: number[], opts: { pollMs?: number; jobTimeoutMs?: number } = {}): Promise<{ delivered: number; released: number }> {
  const prepared: Prepared[] = [];
  for (const id of customerIds.slice(0, BULK_MAX_TICKETS)) {
    try {
      const p = await prepareDelivery(deps, id, { onlyUpdates: true });
      if (p) prepared.push(p);
    } catch (error) {
      deps.logger.warn({ customerId: id, err: (error as Error).message }, 'could not prepare a bulk update for this customer; it will be retried');
    }
  }
  if (prepared.length === 0) return { delivered: 0, released: 0 };
  const tickets = prepared.map((p) => ({ id: (p.target as { ticketId: number }).ticketId, ...(p.request as UpdateTicketBody) }));

  let job;
  try {
    job = await deps.zendesk.updateMany(tickets);
  } catch (error) {
    return settleUnknown(deps, prepared, error);
  }

  const deadline = deps.clock.now() + (opts.jobTimeoutMs ?? 120_000);
  while (job.status === 'queued' || job.status === 'working') {
    if (deps.clock.now() > deadline) return settleUnknown(deps, prepared, new ZendeskError('uncertain', `Zendesk job ${job.id} did not finish in time`, null));
    await sleep(opts.pollMs ?? 250);
    try {
      job = await deps.zendesk.jobStatus(job.id);
    } catch (error) {
      deps.logger.warn({ jobId: job.id, err: (error as Error).message }, 'could not read the Zendesk job status; asking again');
    }
  }

  let delivered = 0;
  let released = 0;
  const now = deps.clock.now();
  const results = job.results ?? [];
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i];
    const ticketId = tickets[i].id;
    const r = results.find((x) => x.index === i) ?? results.find((x) => x.id === ticketId);
    const ok = r && (r.success === true || r.status === 'Updated');
    if (ok) {
      await completeDelivery(deps, p, { id: ticketId, status: 'open', updated_at: new Date(now).toISOString() }, null);
      delivered++;
      continue;
    }
    const text = `${r?.errors ?? ''} ${r?.details ?? ''} ${r?.error ?? ''}`.trim() || `job ${job.status}`;
    const err = classifyZendeskFailure(422, { description: text }, null, 'update many tickets');
    if (err.kind === 'closed') await releaseDelivery(deps, p, null, { ticket_status: 'closed' }, false);
    else if (err.kind === 'comment-cap') await releaseDelivery(deps, p, null, { ticket_status: COMMENT_CAP_STATUS }, false);
    else await releaseDelivery(deps, p, now + retryDelayMs({ attempt: 1, maxAttempts: 5, status: 429 }, { baseMs: 2000 }));
    released++;
  }
  return { delivered, released };
}

/**
 * The request failed as a whole, or its fate is unknown. Unknown (the answer was lost, or a 5xx
 * came after Zendesk may have queued the job): the job may still be applying the changes, so an
 * update the audits do not show yet can land later. What they show is recorded now; the rest
 * stays `sending` for the periodic reconciliation, which looks again a minute later, once the
 * job has run. A failure that proves nothing was sent releases the messages.
 */
async function settleUnknown(deps: InboundDeps, prepared: Prepared[], error: unknown): Promise<{ delivered: number; released: number }> {
  const z = error instanceof ZendeskError ? error : null;
  let delivered = 0;
  let released = 0;
  for (const p of prepared) {
    if (!z || z.kind === 'uncertain') {
      try {
        const found = await reconcile(deps, { deliveryId: p.deliveryId, kind: 'update', ticketId: (p.target as { ticketId: number }).ticketId, request: JSON.stringify(p.request) });
        if (found) {
          await completeDelivery(deps, p, found.ticket, found.commentId);
          delivered++;
        }
      } catch {
        // Could not look: the periodic reconciliation decides later.
      }
      continue;
    }
    const retryAt = deps.clock.now() + (z?.retryAfterMs ?? retryDelayMs({ attempt: 1, maxAttempts: 5, status: z?.httpStatus ?? null }, { baseMs: 2000 }));
    await releaseDelivery(deps, p, retryAt);
    released++;
  }
  deps.logger.warn({ err: (error as Error).message, delivered, released }, 'bulk update did not complete normally');
  return { delivered, released };
}
