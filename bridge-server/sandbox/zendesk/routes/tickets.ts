/** `/api/v2/tickets…`: thin adapters over `domain/tickets.ts` and the job queue. */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import type { BulkItem, JobQueue } from '../domain/jobs';
import { commentsOf, createTicket, getTicket, updateTicket } from '../domain/tickets';
import { badRequest } from '../errors';
import { sendIdempotent } from '../idempotency';
import { MAX_BULK_TICKETS } from '../options';
import { paginate, sortOrderOf } from '../pagination';
import { baseUrlOf, presentAudit, presentComment, presentJob, presentTicket } from '../present';
import { bulkUpdateSchema, parseBody, ticketCreateSchema, ticketUpdateSchema } from '../schemas';
import { idParam, queryString, requestActor } from './request-helpers';

function idList(value: string | undefined): number[] {
  if (!value) return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /^\d+$/.test(part))
    .map(Number);
}

export function ticketRoutes(ctx: SandboxContext, jobs: JobQueue): Router {
  const router = Router();
  const { state } = ctx;

  router.post('/', (req, res) => {
    sendIdempotent(ctx, req, res, () => {
      const { ticket: input } = parseBody(ticketCreateSchema, req.body);
      const { ticket, audit } = createTicket(ctx, input, requestActor(req, res));
      const base = baseUrlOf(req);
      return { status: 201, body: { ticket: presentTicket(ticket, state, base), audit: presentAudit(audit, state, base) } };
    });
  });

  router.get('/', (req, res) => {
    const externalId = queryString(req, 'external_id');
    const tickets = [...state.tickets.values()].filter((t) => externalId === undefined || t.external_id === externalId);
    const base = baseUrlOf(req);
    res.json({ tickets: tickets.map((t) => presentTicket(t, state, base)), next_page: null, previous_page: null, count: tickets.length });
  });

  router.get('/show_many', (req, res) => {
    const ids = idList(queryString(req, 'ids'));
    if (ids.length > MAX_BULK_TICKETS) throw badRequest('InvalidParameter', `show_many accepts at most ${MAX_BULK_TICKETS} ids.`);
    const base = baseUrlOf(req);
    const tickets = ids.flatMap((id) => {
      const ticket = state.tickets.get(id);
      return ticket ? [presentTicket(ticket, state, base)] : [];
    });
    res.json({ tickets, next_page: null, previous_page: null, count: tickets.length });
  });

  router.put('/update_many', (req, res) => {
    const body = parseBody(bulkUpdateSchema, req.body);
    let items: BulkItem[];
    if ('tickets' in body) {
      items = body.tickets.map(({ id, ...changes }) => ({ id, changes }));
    } else {
      const ids = idList(queryString(req, 'ids'));
      if (!ids.length) throw badRequest('InvalidParameter', 'Send {tickets: [{id, …}]}, or {ticket: {…}} with ?ids=1,2,3.');
      items = ids.map((id) => ({ id, changes: body.ticket }));
    }
    if (!items.length) throw badRequest('InvalidParameter', 'update_many needs at least one ticket.');
    if (items.length > MAX_BULK_TICKETS) {
      throw badRequest('InvalidParameter', `update_many accepts at most ${MAX_BULK_TICKETS} tickets per request (got ${items.length}); split the batch.`);
    }
    const job = jobs.enqueueBulkUpdate(items, requestActor(req, res));
    res.json({ job_status: presentJob(job, baseUrlOf(req)) });
  });

  router.get('/:id', (req, res) => {
    res.json({ ticket: presentTicket(getTicket(ctx, idParam(req.params.id)), state, baseUrlOf(req)) });
  });

  router.put('/:id', (req, res) => {
    const { ticket: changes } = parseBody(ticketUpdateSchema, req.body);
    const { ticket, audit } = updateTicket(ctx, idParam(req.params.id), changes, requestActor(req, res));
    const base = baseUrlOf(req);
    res.json({ ticket: presentTicket(ticket, state, base), audit: presentAudit(audit, state, base) });
  });

  router.get('/:id/comments', (req, res) => {
    const ticket = getTicket(ctx, idParam(req.params.id));
    const order = sortOrderOf(req);
    const comments = [...commentsOf(ctx, ticket.id)];
    if (order === 'desc') comments.reverse();
    const base = baseUrlOf(req);
    const page = paginate(comments, req, order, `${base}/api/v2/tickets/${ticket.id}/comments`);
    res.json({ comments: page.items.map((c) => presentComment(c, state, base)), meta: page.meta, links: page.links });
  });

  router.get('/:id/audits', (req, res) => {
    const ticket = getTicket(ctx, idParam(req.params.id));
    const order = sortOrderOf(req);
    const audits = [...(state.audits.get(ticket.id) ?? [])];
    if (order === 'desc') audits.reverse();
    const base = baseUrlOf(req);
    const page = paginate(audits, req, order, `${base}/api/v2/tickets/${ticket.id}/audits`);
    res.json({ audits: page.items.map((a) => presentAudit(a, state, base)), meta: page.meta, links: page.links });
  });

  return router;
}
