/**
 * The sandbox's Express app. Order matters and mirrors Zendesk's front door:
 * counters → latency → injected faults → OAuth and attachment URLs → /api/v2 (rate-limit
 * headers, authentication, rate limits, body parsing, routes) → 404 → error handler.
 */
import express, { type Express, type RequestHandler } from 'express';
import { authenticate, callerOf } from './auth';
import type { SandboxContext } from './context';
import type { JobQueue } from './domain/jobs';
import { errorHandler, invalidEndpoint } from './errors';
import { type FaultRegistry, faultMiddleware } from './faults';
import { rateLimitHeaders, rateLimitMiddleware } from './rate-limits';
import { attachmentRoutes } from './routes/attachments';
import { controlRoutes } from './routes/control';
import { jobRoutes } from './routes/jobs';
import { oauthRoutes } from './routes/oauth';
import { ticketFieldRoutes } from './routes/ticket-fields';
import { ticketRoutes } from './routes/tickets';
import { triggerRoutes } from './routes/triggers';
import { uploadRoutes } from './routes/uploads';
import { userRoutes } from './routes/users';
import { webhookRoutes } from './routes/webhooks';
import { statsMiddleware } from './stats';

/** Zendesk accepts `/api/v2/tickets/1.json` and `/api/v2/tickets/1` alike. */
const stripJsonSuffix: RequestHandler = (req, _res, next) => {
  const query = req.url.indexOf('?');
  const path = query < 0 ? req.url : req.url.slice(0, query);
  if (path.endsWith('.json')) req.url = path.slice(0, -'.json'.length) + (query < 0 ? '' : req.url.slice(query));
  next();
};

function delay(ms: number): RequestHandler {
  return (_req, _res, next) => {
    setTimeout(next, ms);
  };
}

export function buildApp(ctx: SandboxContext, faults: FaultRegistry, jobs: JobQueue): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(stripJsonSuffix);
  app.use('/__sandbox', controlRoutes(ctx, faults));

  app.use(statsMiddleware(ctx.state.stats));
  if (ctx.options.latencyMs > 0) app.use(delay(ctx.options.latencyMs));
  app.use(faultMiddleware(faults, ctx.state.stats));
  app.use(oauthRoutes(ctx));
  app.use(attachmentRoutes(ctx));

  const api = express.Router();
  api.use(rateLimitHeaders(ctx.limiter));
  api.use(authenticate(ctx));
  api.use(rateLimitMiddleware(ctx.limiter, (res) => callerOf(res).userId));
  api.use('/uploads', uploadRoutes(ctx));
  api.use(express.json({ limit: '10mb' }));
  api.use('/users', userRoutes(ctx));
  api.use('/tickets', ticketRoutes(ctx, jobs));
  api.use('/job_statuses', jobRoutes(ctx));
  api.use('/webhooks', webhookRoutes(ctx));
  api.use('/triggers', triggerRoutes(ctx));
  api.use('/ticket_fields', ticketFieldRoutes(ctx));
  app.use('/api/v2', api);

  app.use(() => {
    throw invalidEndpoint();
  });
  app.use(errorHandler);
  return app;
}
