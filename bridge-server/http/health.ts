/** Liveness, readiness and metrics. */
import express, { type Router } from 'express';
import type { Store } from '../store';
import { migrationsDone, ping } from '../store';
import type { Metrics } from '../lib/metrics';

export interface HealthDeps {
  db: Store;
  metrics: Metrics;
  workersRunning(): boolean;
}

export function healthRouter(deps: HealthDeps): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, 'ok' | string> = {};
    try {
      await ping(deps.db);
      checks.store = 'ok';
      checks.migrations = (await migrationsDone(deps.db)) ? 'ok' : 'pending: run `npm run bridge -- migrate`';
    } catch (err) {
      checks.store = `unreachable: ${(err as Error).message}`;
    }
    checks.workers = deps.workersRunning() ? 'ok' : 'stopped';
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
