/**
 * Fault injection: matching requests are answered with a chosen status (or a dropped
 * connection) before any normal handling, to exercise the bridge's retry and recovery paths.
 * With `afterApply`, the request is handled first (the write lands in the account) and only
 * its answer is lost or replaced: the case a client cannot tell from a write that never landed.
 */
import { STATUS_CODES } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { SandboxStats } from './state';
import { faultTheAnswer } from '../answer-fault';

export interface FaultSpec {
  /** HTTP method to match, any when absent. */
  method?: string;
  /**
   * Request path to match (query excluded), any when absent. A string matches the whole path
   * and may use `:name` for one segment and `*` for anything, e.g. `/api/v2/tickets/:id`.
   */
  path?: RegExp | string;
  /**
   * Status to answer with. Without it (and without `dropConnection`) the fault only delays:
   * after `delayMs` the request is handled, and answered, as usual.
   */
  status?: number;
  /** How many matching requests to fault; default 1. `Infinity` keeps it until cleared. */
  times?: number;
  /** Sent as `Retry-After` when given. */
  retryAfterSeconds?: number;
  /** Response body; a Zendesk-shaped body for the status when absent. */
  body?: unknown;
  /** Real-time delay before answering (or dropping), in ms. */
  delayMs?: number;
  /** Destroy the socket instead of answering: the client sees a network error. */
  dropConnection?: boolean;
  /**
   * Handle the request first, so that Zendesk applies it, and only then fault the answer: after
   * `delayMs`, drop the connection (`dropConnection`), answer `status` instead of the real answer
   * (a proxy failing after the write), or, with neither, send the real answer late.
   */
  afterApply?: boolean;
}

export interface Fault extends FaultSpec {
  id: number;
  /** Matches left before the fault removes itself. */
  remaining: number;
  matcher: (method: string, path: string) => boolean;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private lastId = 0;

  add(spec: FaultSpec): Fault {
    this.lastId += 1;
    const fault: Fault = { ...spec, id: this.lastId, remaining: spec.times ?? 1, matcher: matcherFor(spec) };
    this.faults.push(fault);
    return fault;
  }

  remove(id: number): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.faults = [];
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  /** The first fault matching the request, spending one of its uses. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && f.matcher(method, path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.remove(fault.id);
    return fault;
  }
}

function matcherFor(spec: FaultSpec): Fault['matcher'] {
  const method = spec.method?.toUpperCase();
  const path = typeof spec.path === 'string' ? patternToRegExp(spec.path) : spec.path;
  return (requestMethod, requestPath) =>
    (!method || method === requestMethod.toUpperCase()) && (!path || path.test(requestPath));
}

function patternToRegExp(pattern: string): RegExp {
  const source = pattern
    .split(/(:[A-Za-z_]\w*|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

/** A body shaped like Zendesk's for the injected status. */
export function defaultFaultBody(status: number): unknown {
  const description = 'Injected by the Zendesk sandbox fault registry';
  switch (status) {
    case 401:
      return { error: "Couldn't authenticate you" };
    case 404:
      return { error: 'RecordNotFound', description: 'Not found' };
    case 409:
      return { error: 'UpdateConflict', description };
    case 422:
      return { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description }] } };
    case 429:
      return { error: 'TooManyRequests', description };
    default:
      return { error: (STATUS_CODES[status] ?? 'Error').replace(/\s+/g, ''), description };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function sendFault(fault: Fault & { status: number }, res: Response): void {
  if (fault.retryAfterSeconds !== undefined) res.set('Retry-After', String(fault.retryAfterSeconds));
  res.status(fault.status);
  if (fault.status === 204 || fault.status === 304) res.end();
  else res.json(fault.body === undefined ? defaultFaultBody(fault.status) : fault.body);
}


export function faultMiddleware(registry: FaultRegistry, stats: SandboxStats): RequestHandler {
  return async (req, res, next) => {
    const fault = registry.take(req.method, req.path);
    if (!fault) {
      next();
      return;
    }
    stats.faultsInjected += 1;
    if (fault.afterApply) {
      faultTheAnswer(req, res, {
        delayMs: fault.delayMs,
        dropConnection: fault.dropConnection,
        replace: fault.status === undefined ? undefined : (r) => sendFault({ ...fault, status: fault.status! }, r),
      });
      next();
      return;
    }
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.dropConnection) {
      req.socket.destroy();
      return;
    }
    if (fault.status === undefined) {
      next();
      return;
    }
    sendFault({ ...fault, status: fault.status }, res);
  };
}
