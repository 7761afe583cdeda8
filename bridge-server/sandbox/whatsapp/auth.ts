/**
 * Every Graph route (and the media download URL) needs `Authorization: Bearer <token>`.
 * Without it, or with another token, Meta answers 401 with Graph error 190.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendGraphError } from './graph-error';

export function requireBearer(accessToken: string, onRefused: () => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (match && match[1] === accessToken) return next();
    onRefused();
    sendGraphError(res, 401, {
      message: match
        ? 'Invalid OAuth access token - Cannot parse access token'
        : 'An active access token must be used to query information about the current user.',
      type: 'OAuthException',
      code: 190,
    });
  };
}
