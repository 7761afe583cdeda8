/**
 * Everything a page needs to play Zendesk for the real sidebar, as one Express router:
 * - `GET /zaf/host.js`: the host (host.ts) bundled for the browser, as `window.ZafHost`
 *   (`ZafHost.mountZafApp(...)`);
 * - `POST /zaf/proxy`: the apps proxy (proxy.ts) holding the installation's settings;
 * - `GET /zaf/installation.json`: the non-secure settings, what `metadata().settings` shows;
 * - `/zaf/app/*`: the built app package (dist/: `assets/iframe.html`, `assets/app.js`, …).
 *
 * The settings objects are read on every request: a caller may change them in place (e.g. the
 * console switching the bridge URL) without rebuilding the router. Call `ensureAppBuilt()`
 * before serving, so dist/ is current.
 */
import path from 'node:path';
import express, { type Router } from 'express';
import { bundleBrowserEntry } from './bundle';
import { DIST_DIR } from './build-app';
import { createProxyRouter, type ProxyOptions } from './proxy';

export interface ZafHostRouterOptions extends ProxyOptions {
  /** The app package to serve (default dist/ at the repository root). */
  distDir?: string;
}

export const HOST_ENTRY = path.join(__dirname, 'host.ts');

export function createZafHostRouter(options: ZafHostRouterOptions): Router {
  const router = express.Router();
  router.get('/zaf/host.js', async (_req, res, next) => {
    try {
      const code = await bundleBrowserEntry(HOST_ENTRY, { globalName: 'ZafHost' });
      res.type('application/javascript').set('Cache-Control', 'no-store').send(code);
    } catch (error) {
      next(new Error(`Could not bundle the ZAF host (${HOST_ENTRY}): ${(error as Error).message}`));
    }
  });
  router.get('/zaf/installation.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ settings: options.settings });
  });
  router.use('/zaf/proxy', createProxyRouter(options));
  router.use('/zaf/app', express.static(options.distDir ?? DIST_DIR, { fallthrough: false }));
  return router;
}
