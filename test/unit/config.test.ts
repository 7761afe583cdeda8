import { ConfigError, hasNoCredentials, loadConfig, mask } from '../../bridge-server/config';

const base = {
  WHATSAPP_APP_SECRET: 'app-secret',
  WHATSAPP_VERIFY_TOKEN: 'verify',
  WHATSAPP_ACCESS_TOKEN: 'EAAG-token',
  WHATSAPP_PHONE_NUMBER_ID: '1234567890',
  ZENDESK_URL: 'https://acme.zendesk.com/',
  ZENDESK_OAUTH_TOKEN: 'oauth-token',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  it('reads a complete environment with the documented defaults', () => {
    const c = loadConfig(base);
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('sqlite:./data/bridge.db');
    expect(c.zendesk.url).toBe('https://acme.zendesk.com');
    expect(c.zendesk.auth).toEqual({ kind: 'bearer', token: 'oauth-token' });
    expect(c.whatsapp.graphUrl).toBe('https://graph.facebook.com');
    expect(c.whatsapp.apiVersion).toMatch(/^v\d+\.0$/);
  });

  it('names every missing variable at once, with what to put there', () => {
    const problems = problemsOf({});
    for (const name of ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'ZENDESK_URL', 'ZENDESK_OAUTH_TOKEN']) {
      expect(problems.some((p) => p.includes(name))).toBe(true);
    }
  });

  it('names malformed values', () => {
    const problems = problemsOf({ ...base, PORT: 'eighty', WHATSAPP_PHONE_NUMBER_ID: '+39 333', ZENDESK_URL: 'acme' });
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/WHATSAPP_PHONE_NUMBER_ID must be the numeric id/);
    expect(problems.join('\n')).toMatch(/ZENDESK_URL must be a full URL/);
  });

  it('supports the three Zendesk auth modes and refuses half of one', () => {
    const { ZENDESK_OAUTH_TOKEN: _drop, ...noAuth } = base;
    expect(loadConfig({ ...noAuth, ZENDESK_OAUTH_CLIENT_ID: 'id', ZENDESK_OAUTH_CLIENT_SECRET: 's' }).zendesk.auth.kind).toBe('client-credentials');
    expect(loadConfig({ ...noAuth, ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 't' }).zendesk.auth.kind).toBe('api-token');
    expect(problemsOf({ ...noAuth, ZENDESK_OAUTH_CLIENT_ID: 'id' }).join()).toMatch(/must be set together/);
    expect(problemsOf(noAuth).join()).toMatch(/Zendesk credentials are missing/);
  });

  it('builds the URL from ZENDESK_SUBDOMAIN', () => {
    const { ZENDESK_URL: _drop, ...rest } = base;
    expect(loadConfig({ ...rest, ZENDESK_SUBDOMAIN: 'acme' }).zendesk.url).toBe('https://acme.zendesk.com');
  });

  it('takes a previous app secret for rotation and a plan for the budgets', () => {
    const c = loadConfig({ ...base, WHATSAPP_APP_SECRET_PREVIOUS: 'old', ZENDESK_PLAN: 'enterprise' });
    expect(c.whatsapp.appSecrets).toEqual(['app-secret', 'old']);
    expect(c.zendesk.limits).toEqual({ accountPerMinute: 700, ticketUpdatesPerMinute: 100, perTicketPer10Minutes: 30 });
  });
});

describe('hasNoCredentials and mask', () => {
  it('tells a bare machine from a configured one', () => {
    expect(hasNoCredentials({})).toBe(true);
    expect(hasNoCredentials(base)).toBe(false);
  });
  it('never shows a whole secret', () => {
    expect(mask('EAAGabcdefghijkl')).toBe('EA••••kl');
    expect(mask('short')).toBe('••••');
    expect(mask(null)).toBe('(not set)');
  });
});
