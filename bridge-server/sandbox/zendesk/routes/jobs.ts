/** `/api/v2/job_statuses…`: the progress and results of bulk jobs. */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { recordNotFound } from '../errors';
import { baseUrlOf, presentJob } from '../present';
import { queryString } from './request-helpers';

export function jobRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const { state } = ctx;

  router.get('/', (req, res) => {
    const base = baseUrlOf(req);
    const jobs = [...state.jobs.values()].reverse();
    res.json({ job_statuses: jobs.map((job) => presentJob(job, base)), next_page: null, previous_page: null, count: jobs.length });
  });

  router.get('/show_many', (req, res) => {
    const ids = (queryString(req, 'ids') ?? '').split(',').filter(Boolean);
    const base = baseUrlOf(req);
    const jobs = ids.flatMap((id) => {
      const job = state.jobs.get(id);
      return job ? [presentJob(job, base)] : [];
    });
    res.json({ job_statuses: jobs });
  });

  router.get('/:id', (req, res) => {
    const job = state.jobs.get(req.params.id);
    if (!job) throw recordNotFound();
    res.json({ job_status: presentJob(job, baseUrlOf(req)) });
  });

  return router;
}
