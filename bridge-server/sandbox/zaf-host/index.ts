/**
 * The sandbox's Zendesk for the sidebar app: what the console and the browser tests mount.
 * Server side: `createZafHostRouter` (host bundle, apps proxy, the built app) and
 * `ensureAppBuilt`. Browser side: `mountZafApp` from ./host (or `window.ZafHost.mountZafApp`
 * after loading `/zaf/host.js`). See README.md in this folder.
 */
export { createZafHostRouter, type ZafHostRouterOptions } from './router';
export { ensureAppBuilt, staleReason, DIST_DIR } from './build-app';
export { bundleBrowserEntry, stopBundler } from './bundle';
export { createProxyRouter, performProxyRequest, type ProxyOptions } from './proxy';
export { mountZafApp, type MountZafAppOptions, type ZafAppHandle, type SaveResult, type ZafData } from './host';
