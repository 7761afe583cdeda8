/**
 * Message templates, as the Cloud API lists them:
 *
 * - `GET /{version}/{waba-id}/message_templates?fields=…&limit=N&after=…&before=…` →
 *   `{data: [...], paging: {cursors: {before, after}, next?, previous?}}`. Default limit 25, as
 *   Meta's; `next` only while more pages follow. `fields` narrows each template (plus `id`);
 *   `name`, `status`, `category`, `language` filter the list.
 * - another WABA id → 400, Graph error 100 (the node does not exist for this token).
 *
 *
 * Template sends are judged by ../template-validation.ts, called from the messages route.
 *
 * Mounted before the media routes, whose `/:version/:mediaId` would otherwise take the path.
 */
import { Router, type Request, type Response } from 'express';
import type { SandboxContext } from '../context';
import { sendGraphError } from '../graph-error';
import type { SandboxTemplate, SandboxTemplates } from '../templates';

const VERSION = /^v\d+(\.\d+)?$/;
const cursorOf = (index: number) => Buffer.from(`tpl:${index}`).toString('base64url');
const indexOf = (cursor: string): number | null => {
  const m = /^tpl:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
};

export interface TemplateRouteStats {
  templateLists: number;
}

export function templateRoutes(ctx: SandboxContext, templates: SandboxTemplates, stats: TemplateRouteStats): Router {
  const router = Router();

  router.get('/:version/:wabaId/message_templates', (req: Request, res: Response, next) => {
    const { version, wabaId } = req.params as { version: string; wabaId: string };
    if (!VERSION.test(version)) return next();
    if (wabaId !== ctx.settings.wabaId) {
      sendGraphError(res, 400, {
        message: `Unsupported get request. Object with ID '${wabaId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
      });
      return;
    }
    stats.templateLists += 1;
    const q = req.query as Record<string, string | undefined>;
    const limit = q.limit !== undefined ? Number(q.limit) : 25;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      sendGraphError(res, 400, { message: '(#100) Param limit must be a positive integer up to 1000', code: 100 });
      return;
    }
    let all = templates.list();
    for (const f of ['name', 'status', 'category', 'language'] as const) {
      if (q[f]) all = all.filter((t) => String(t[f]).toLowerCase() === q[f]!.toLowerCase());
    }
    let start = 0;
    if (q.after) {
      const i = indexOf(q.after);
      if (i === null) return invalidCursor(res);
      start = i + 1;
    } else if (q.before) {
      const i = indexOf(q.before);
      if (i === null) return invalidCursor(res);
      start = Math.max(0, i - limit);
    }
    const page = all.slice(start, start + limit);
    const fields = q.fields ? q.fields.split(',').map((f) => f.trim()).filter(Boolean) : ['name', 'parameter_format', 'components', 'language', 'status', 'category'];
    const body: Record<string, unknown> = { data: page.map((t) => pick(t, fields)) };
    if (page.length > 0) {
      const base = `${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}`;
      const keep = new URLSearchParams(Object.entries(q).filter(([k, v]) => v !== undefined && k !== 'after' && k !== 'before') as [string, string][]);
      const paging: Record<string, unknown> = { cursors: { before: cursorOf(start), after: cursorOf(start + page.length - 1) } };
      if (start + page.length < all.length) paging.next = `${base}?${new URLSearchParams({ ...Object.fromEntries(keep), limit: String(limit), after: cursorOf(start + page.length - 1) })}`;
      if (start > 0) paging.previous = `${base}?${new URLSearchParams({ ...Object.fromEntries(keep), limit: String(limit), before: cursorOf(start) })}`;
      body.paging = paging;
    }
    res.json(body);
  });

  return router;
}

function pick(t: SandboxTemplate, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in t) out[f] = (t as unknown as Record<string, unknown>)[f];
  out.id = t.id;
  return out;
}

function invalidCursor(res: Response): void {
  sendGraphError(res, 400, { message: '(#100) The parameter after is not a valid cursor', code: 100 });
}
