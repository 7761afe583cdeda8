/**
 * `/__sandbox/…`: the demo console's window into the sandbox (no auth, not rate limited,
 * never faulted): a summary of the account, and fault injection over HTTP.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import { identitiesOf } from '../domain/users';
import type { Fault, FaultRegistry } from '../faults';
import { baseUrlOf, contentUrl, presentJob } from '../present';
import { parseBody } from '../schemas';

const faultBodySchema = z.object({
  method: z.string().optional(),
  /** Route-style pattern: `/api/v2/tickets/:id`, `*` for anything. */
  path: z.string().optional(),
  /** A regular expression source, instead of `path`. */
  pathRegex: z.string().optional(),
  /** Absent: the fault only delays (`delayMs`), or, with `afterApply`, answers late. */
  status: z.number().int().min(100).max(599).optional(),
  /** A count, or `"always"` until cleared. */
  times: z.union([z.number().int().positive(), z.literal('always')]).optional(),
  retryAfterSeconds: z.number().nonnegative().optional(),
  body: z.unknown().optional(),
  delayMs: z.number().nonnegative().optional(),
  dropConnection: z.boolean().optional(),
  /** Apply the request, then fault its answer. */
  afterApply: z.boolean().optional(),
});

export function presentFault(fault: Fault) {
  return {
    id: fault.id,
    method: fault.method ?? null,
    path: fault.path === undefined ? null : fault.path instanceof RegExp ? fault.path.toString() : fault.path,
    status: fault.status ?? null,
    remaining: Number.isFinite(fault.remaining) ? fault.remaining : 'always',
    retryAfterSeconds: fault.retryAfterSeconds ?? null,
    delayMs: fault.delayMs ?? 0,
    dropConnection: fault.dropConnection ?? false,
    afterApply: fault.afterApply ?? false,
  };
}

export function summarizeState(ctx: SandboxContext, faults: FaultRegistry, base: string) {
  const { state } = ctx;
  return {
    account: { subdomain: state.subdomain, plan: ctx.options.plan, now: ctx.isoNow() },
    users: [...state.users.values()].map((user) => ({
      id: user.id,
      name: user.name,
      role: user.role,
      email: user.email,
      phone: user.phone,
      external_id: user.external_id,
      identities: identitiesOf(state, user.id).map((identity) => ({ type: identity.type, value: identity.value })),
    })),
    tickets: [...state.tickets.values()].map((ticket) => ({
      id: ticket.id,
      subject: ticket.subject,
      status: ticket.status,
      requester_id: ticket.requester_id,
      external_id: ticket.external_id,
      tags: ticket.tags,
      followup_ids: ticket.followup_ids,
      via_followup_source_id: ticket.via.source.rel === 'follow_up' ? (ticket.via.source.from.ticket_id ?? null) : null,
      updated_at: ticket.updated_at,
      comment_count: ticket.comment_count,
      comments: (state.comments.get(ticket.id) ?? []).map((comment) => ({
        id: comment.id,
        author_id: comment.author_id,
        public: comment.public,
        body: comment.body,
        created_at: comment.created_at,
        attachments: comment.attachment_ids.flatMap((id) => {
          const attachment = state.attachments.get(id);
          return attachment
            ? [{ id, file_name: attachment.file_name, content_type: attachment.content_type, size: attachment.size, content_url: contentUrl(attachment, base) }]
            : [];
        }),
      })),
    })),
    jobs: [...state.jobs.values()].map((job) => presentJob(job, base)),
    webhooks: [...state.webhooks.values()].map((w) => ({ id: w.id, name: w.name, status: w.status, endpoint: w.endpoint, subscriptions: w.subscriptions })),
    triggers: [...state.triggers.values()].map((t) => ({ id: t.id, title: t.title, active: t.active })),
    ticket_fields: [...state.ticketFields.values()].map((f) => ({ id: f.id, title: f.title, type: f.type })),
    stats: state.stats,
    faults: faults.list().map(presentFault),
  };
}

export function controlRoutes(ctx: SandboxContext, faults: FaultRegistry): Router {
  const router = Router();
  router.use(express.json());

  router.get('/state', (req, res) => {
    res.json(summarizeState(ctx, faults, baseUrlOf(req)));
  });

  router.get('/faults', (_req, res) => {
    res.json({ faults: faults.list().map(presentFault) });
  });

  router.post('/faults', (req, res) => {
    const { pathRegex, times, ...spec } = parseBody(faultBodySchema, req.body);
    const fault = faults.add({
      ...spec,
      path: pathRegex !== undefined ? new RegExp(pathRegex) : spec.path,
      times: times === 'always' ? Infinity : times,
    });
    res.status(201).json({ fault: presentFault(fault) });
  });

  router.delete('/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });

  return router;
}
