import type { Request, Response } from 'express';
import { callerOf } from '../auth';
import { recordNotFound } from '../errors';
import { type Actor, viaChannel } from '../domain/tickets';

/** The API caller as the author of a change, with what Zendesk records in `metadata.system`. */
export function requestActor(req: Request, res: Response): Actor {
  return {
    userId: callerOf(res).userId,
    via: viaChannel('api'),
    system: { client: req.get('user-agent') ?? null, ip_address: req.ip ?? null, location: 'Sandbox', latitude: 0, longitude: 0 },
  };
}

/** A numeric id from the path; anything else is a 404 like Zendesk's. */
export function idParam(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text || !/^\d+$/.test(text)) throw recordNotFound();
  return Number(text);
}

/** A single query-string value (first one when repeated). */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
