/**
 * Background jobs for `PUT /api/v2/tickets/update_many`
 * (https://developer.zendesk.com/api-reference/ticketing/ticket-management/job_statuses/).
 * The request answers a queued job at once; shortly after (`jobDelayMs`, real time) the job
 * applies each ticket's changes with the single-update rules and the per-ticket rate limit,
 * recording one result per ticket. At most `maxActiveJobs` may be queued or working.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxContext } from '../context';
import { tooManyRequests, ZendeskApiError } from '../errors';
import type { TicketChanges } from '../schemas';
import type { JobResult, JobStatusRecord } from '../state';
import { type Actor, describeFailure, updateTicket } from './tickets';

export interface BulkItem {
  id: number;
  changes: TicketChanges;
}

export class JobQueue {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly ctx: SandboxContext) {}

  private activeCount(): number {
    let active = 0;
    for (const job of this.ctx.state.jobs.values()) if (job.status === 'queued' || job.status === 'working') active += 1;
    return active;
  }

  enqueueBulkUpdate(items: BulkItem[], actor: Actor): JobStatusRecord {
    const { maxActiveJobs, jobDelayMs } = this.ctx.options;
    if (this.activeCount() >= maxActiveJobs) {
      throw tooManyRequests(
        jobDelayMs / 1000,
        `The account already has ${maxActiveJobs} queued or running jobs; wait for one to finish before starting another.`,
      );
    }
    const now = this.ctx.isoNow();
    const job: JobStatusRecord = {
      id: randomBytes(16).toString('hex'),
      job_type: 'Bulk Update',
      status: 'queued',
      total: items.length,
      progress: 0,
      message: null,
      results: null,
      created_at: now,
      updated_at: now,
    };
    this.ctx.state.jobs.set(job.id, job);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(job, items, actor);
    }, jobDelayMs);
    this.timers.add(timer);
    return job;
  }

  private run(job: JobStatusRecord, items: BulkItem[], actor: Actor): void {
    job.status = 'working';
    const results: JobResult[] = [];
    items.forEach((item, index) => {
      try {
        this.ctx.limiter.takeBulkTicketSlot(actor.userId, item.id);
        updateTicket(this.ctx, item.id, item.changes, actor);
        results.push({ id: item.id, index, action: 'update', success: true, status: 'Updated' });
      } catch (error) {
        if (error instanceof ZendeskApiError) {
          results.push({ id: item.id, index, action: 'update', success: false, status: 'Failed', ...describeFailure(error) });
        } else {
          // A sandbox bug, not a Zendesk rule: fail the job visibly rather than crash the process.
          results.push({ id: item.id, index, action: 'update', success: false, status: 'Failed', error: 'InternalError', errors: String(error) });
        }
      }
      job.progress = index + 1;
    });
    job.results = results;
    job.status = results.some((result) => result.error === 'InternalError') ? 'failed' : 'completed';
    job.message = `${job.status === 'failed' ? 'Failed' : 'Completed'} at ${this.ctx.isoNow()}`;
    job.updated_at = this.ctx.isoNow();
  }

  /** Cancels jobs not yet run (they stay queued). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
