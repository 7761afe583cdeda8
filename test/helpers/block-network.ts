/**
 * Every test runs with the network blocked: only loopback is allowed, so a test can never
 * reach the real Meta or Zendesk by accident. nock intercepts global fetch and node:http.
 */
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
