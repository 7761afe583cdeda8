/**
 * Request counters for benchmarks and the demo console: every arrival by route pattern, every
 * answer by status. The status is counted when the head is written, so a test reading the
 * stats right after its response arrives sees it.
 */
import type { RequestHandler } from 'express';
import type { SandboxStats } from './state';

const ID_SEGMENT = /^(\d+|[0-9A-Z]{26}|[0-9a-f]{32})$/;

/** `/api/v2/tickets/42/comments` → `/api/v2/tickets/:id/comments`. */
export function routePattern(path: string): string {
  const segments = path.split('/');
  return segments
    .map((segment, index) => {
      const previous = segments[index - 1];
      if (previous === 'token' && segments[1] === 'attachments') return ':token';
      if (previous === 'uploads' && segment && index === segments.length - 1) return ':token';
      return ID_SEGMENT.test(segment) ? ':id' : segment;
    })
    .join('/');
}

export function statsMiddleware(stats: SandboxStats): RequestHandler {
  return (req, res, next) => {
    stats.requests += 1;
    const route = `${req.method} ${routePattern(req.path)}`;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;

    let counted = false;
    const count = (status: string) => {
      if (counted) return;
      counted = true;
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      if (status === '429') stats.rateLimited += 1;
    };
    const writeHead = res.writeHead;
    // Node's implicit header (res.end without writeHead) also goes through writeHead.
    res.writeHead = function countedWriteHead(this: typeof res, ...args: Parameters<typeof writeHead>) {
      count(String(args[0]));
      return writeHead.apply(this, args);
    } as typeof writeHead;
    res.on('close', () => {
      if (!res.headersSent) count('dropped');
    });
    next();
  };
}
