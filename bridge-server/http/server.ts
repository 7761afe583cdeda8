/**
 * The Express app: request ids, the routes, and one error handler that answers JSON with a code
 * and never a stack trace.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../lib/logger';
import { AppError } from '../lib/errors';

export function createHttpApp(logger: Logger, routers: express.Router[]): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', true);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = (req.get('x-request-id') ?? '').slice(0, 100) || randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    next();
  });
  for (const r of routers) app.use(r);
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof AppError ? err.status : ((err as { status?: number }).status ?? 500);
    const code = err instanceof AppError ? err.code : status === 413 ? 'payload_too_large' : status === 400 ? 'bad_request' : 'internal_error';
    if (status >= 500) logger.error({ err, requestId: res.locals.requestId, path: req.path }, 'request failed');
    res.status(status).json({ error: { code, message: status >= 500 ? 'The bridge hit an internal error; the request id is in the logs.' : (err as Error).message, requestId: res.locals.requestId } });
  });
  return app;
}
