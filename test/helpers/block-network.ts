/**
 * Every test runs with the network blocked: only loopback is allowed, so a test can never
 * reach the real Meta or Zendesk by accident. nock intercepts global fetch and node:http.
 *
 * Component tests of the sidebar app run in jsdom (`@jest-environment jsdom`), where nock's
 * browser build cannot load and there is no global fetch or node:http to guard: they talk only
 * to a fake ZAF client, so nock is skipped there.
 */
if (typeof document === 'undefined') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nock: typeof import('nock') = require('nock');
  nock.disableNetConnect();
  nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
}
