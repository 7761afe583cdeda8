/**
 * Fault injection: make the sandbox fail the way Meta sometimes does (5xx, 429, slow answers,
 * dropped connections), for chosen paths and a chosen number of times.
 *
 *   sandbox.faults.add({ path: /\/media-download\//, status: 500, times: 2 });
 *   sandbox.faults.add({ path: /\/v23\.0\/\d+$/, delayMs: 3000 });   // slow, then normal
 *   sandbox.faults.add({ reset: true, times: 1 });                      // connection reset
 *   sandbox.faults.add({ path: /\/messages$/, afterApply: true, reset: true, times: 1 });
 *                                            // the message is sent, but its answer is lost
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { defaultFaultBody } from './graph-error';
import { faultTheAnswer } from '../answer-fault';

export interface FaultSpec {
  /** Tested against the request path with its query string; every path when omitted. */
  path?: RegExp;
  /** HTTP method (GET, POST, …); every method when omitted. */
  method?: string;
  /** Answer with this status. Without it (and without `reset`) the request goes on after the delay. */
  status?: number;
  /** How many matching requests to affect; until `clear()` when omitted. */
  times?: number;
  /** Response body: an object is sent as JSON; default: a Graph error fitting the status. */
  body?: unknown;
  /** Extra response headers, e.g. `{ 'Retry-After': '2' }`. */
  headers?: Record<string, string>;
  /** Wait this long (real time) before answering or going on. */
  delayMs?: number;
  /** Destroy the connection without an answer. */
  reset?: boolean;
  /**
   * Handle the request first (a message is really sent, with its status webhooks), and only
   * then fault the answer: after `delayMs`, drop the connection (`reset`) or answer `status`
   * instead. The case a client cannot tell from a request that never arrived.
   */
  afterApply?: boolean;
}

export interface Fault extends FaultSpec {
  readonly id: number;
  /** Matching requests affected so far. */
  hits: number;
}

export class Faults {
  private readonly list: Fault[] = [];
  private nextId = 1;
  /** Requests affected by any fault, in total. */
  injected = 0;

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: this.nextId++, hits: 0 };
    this.list.push(fault);
    return fault;
  }

  remove(fault: Fault | number): void {
    const id = typeof fault === 'number' ? fault : fault.id;
    const index = this.list.findIndex((f) => f.id === id);
    if (index >= 0) this.list.splice(index, 1);
  }

  clear(): void {
    this.list.length = 0;
  }

  get active(): readonly Fault[] {
    return this.list;
  }

  /** The first live fault matching the request, counted as used. */
  take(method: string, url: string): Fault | null {
    const fault = this.list.find(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
        (f.path === undefined || testFresh(f.path, url)),
    );
    if (!fault) return null;
    fault.hits += 1;
    this.injected += 1;
    if (fault.times !== undefined && fault.hits >= fault.times) this.remove(fault);
    return fault;
  }

  middleware(): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const fault = this.take(req.method, req.originalUrl);
      if (!fault) return next();
      if (fault.afterApply) {
        faultTheAnswer(req, res, {
          delayMs: fault.delayMs,
          dropConnection: fault.reset,
          replace:
            fault.status === undefined
              ? undefined
              : (r) => {
                  const status = fault.status!;
                  if (fault.headers) r.set(fault.headers);
                  r.status(status);
                  r.setHeader('content-type', 'application/json; charset=utf-8');
                  const body = fault.body === undefined ? defaultFaultBody(status) : fault.body;
                  r.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
                },
        });
        return next();
      }
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.reset) {
        req.socket.destroy();
        return;
      }
      if (fault.status === undefined) return next();
      if (fault.headers) res.set(fault.headers);
      res.status(fault.status);
      const body = fault.body === undefined ? defaultFaultBody(fault.status) : fault.body;
      if (typeof body === 'string' || Buffer.isBuffer(body)) res.send(body);
      else res.json(body);
    };
  }
}

/** A /g or /y regexp keeps state between test() calls; start afresh each time. */
function testFresh(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}
