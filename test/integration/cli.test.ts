/**
 * The operator's commands against the simulated Meta and Zendesk: `doctor` shows the
 * configuration without ever printing a whole secret and checks each part, saying what to fix;
 * `failures` and `deadletters` show what the bridge kept aside.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { runDoctor } from '../../bridge-server/cli/doctor';
import { listDeadLetters, listFailures } from '../../bridge-server/cli/inspect';
import { SANDBOX_BRIDGE_API_KEY, SANDBOX_VERIFY_TOKEN } from '../../bridge-server/sandbox/stack';
import { DEFAULT_BEARER_TOKEN } from '../../bridge-server/sandbox/zendesk';
import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack.close();
});

/** The environment an operator would set, pointing at the simulators and the test's store. */
function operatorEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const wa = stack.whatsapp.settings;
  return {
    DATABASE_URL: stack.stack.config.databaseUrl,
    WHATSAPP_APP_SECRET: wa.appSecret,
    WHATSAPP_VERIFY_TOKEN: SANDBOX_VERIFY_TOKEN,
    WHATSAPP_ACCESS_TOKEN: wa.accessToken,
    WHATSAPP_PHONE_NUMBER_ID: wa.phoneNumberId,
    WHATSAPP_BUSINESS_ACCOUNT_ID: wa.wabaId,
    WHATSAPP_GRAPH_URL: stack.whatsapp.url!,
    WHATSAPP_API_VERSION: wa.apiVersion,
    ZENDESK_URL: stack.zendesk.baseUrl!,
    ZENDESK_OAUTH_TOKEN: DEFAULT_BEARER_TOKEN,
    BRIDGE_API_KEY: SANDBOX_BRIDGE_API_KEY,
    ...overrides,
  };
}

async function doctor(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runDoctor(env, (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

function secretsOf(env: NodeJS.ProcessEnv): string[] {
  return ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN', 'ZENDESK_OAUTH_TOKEN', 'BRIDGE_API_KEY', 'WHATSAPP_APP_SECRET_PREVIOUS'].flatMap((k) => (env[k] ? [env[k]!] : []));
}

describe('npm run bridge -- doctor', () => {
  it('when everything is configured right, then it masks every secret and ticks the store, Zendesk and the Graph API', async () => {
    const env = operatorEnv({ WHATSAPP_APP_SECRET_PREVIOUS: 'previous-app-secret' });
    const { code, output } = await doctor(env);

    expect(code).toBe(0);
    for (const secret of secretsOf(env)) expect(output).not.toContain(secret);
    expect(output).toMatch(/WHATSAPP_APP_SECRET\s+sa••••et \(\+ previous secret for rotation\)/);
    expect(output).toMatch(/WHATSAPP_ACCESS_TOKEN\s+sa••••en/);
    expect(output).toMatch(/Zendesk auth\s+OAuth token sa••••en/);
    expect(output).toMatch(/BRIDGE_API_KEY\s+sa••••89/);
    expect(output).toMatch(/^✓ store: .*bridge\.db \(migrations done; 0 message\(s\) waiting, 0 failed, 0 dead letter\(s\)\)$/m);
    expect(output).toContain(`✓ Zendesk: signed in to ${stack.zendesk.baseUrl} as Sandbox Admin (admin)`);
    expect(output).toContain('✓ WhatsApp Graph API: number +1 555-010-0001 (WhatsApp for Zendesk Sandbox) reachable with the token');
    expect(output).toContain('All checks passed.');
    expect(output).not.toContain('✗');
  });

  it('when the Zendesk token is wrong, then it crosses Zendesk and says which variable to fix', async () => {
    const env = operatorEnv({ ZENDESK_OAUTH_TOKEN: 'a-revoked-zendesk-token' });
    const { code, output } = await doctor(env);
    expect(code).toBe(1);
    expect(output).not.toContain('a-revoked-zendesk-token');
    expect(output).toMatch(/^✗ Zendesk: Zendesk refused the bridge's credentials \(401\).*check ZENDESK_OAUTH_TOKEN/m);
    expect(output).toMatch(/^✓ store/m);
    expect(output).toMatch(/^✓ WhatsApp Graph API/m);
    expect(output).toContain('1 check(s) failed.');
  });

  it('when the WhatsApp access token is wrong, then it crosses the Graph API and says to set a new token', async () => {
    const { code, output } = await doctor(operatorEnv({ WHATSAPP_ACCESS_TOKEN: 'an-expired-meta-token' }));
    expect(code).toBe(1);
    expect(output).not.toContain('an-expired-meta-token');
    expect(output).toMatch(/^✗ WhatsApp Graph API: .*code 190.*set a new WHATSAPP_ACCESS_TOKEN/m);
  });

  it('when the phone number id belongs to no number of the account, then the Graph check fails and names it', async () => {
    const { code, output } = await doctor(operatorEnv({ WHATSAPP_PHONE_NUMBER_ID: '109999999999999' }));
    expect(code).toBe(1);
    expect(output).toMatch(/^✗ WhatsApp Graph API: .*'109999999999999' does not exist/m);
  });

  it('when variables are missing, then it lists each one with what to put there', async () => {
    const env = operatorEnv();
    delete env.WHATSAPP_APP_SECRET;
    delete env.ZENDESK_OAUTH_TOKEN;
    const { code, output } = await doctor(env);
    expect(code).toBe(1);
    expect(output).toContain('✗ configuration');
    expect(output).toContain('WHATSAPP_APP_SECRET is missing: copy the app secret from your Meta app');
    expect(output).toContain('Zendesk credentials are missing: set ZENDESK_OAUTH_TOKEN');
  });

  it('when the store holds failed messages and dead letters, then the store line counts them and names the command to list them', async () => {
    stack.zendesk.faults.add({ method: 'POST', path: '/api/v2/tickets', status: 422 });
    await stack.send(envelope(undefined, [new SimulatedCustomer({ waId: '393330000001', name: 'Nadia' }).text('rifiutato')]));
    await stack.send({ object: 'page', entry: [] });
    await waitFor(async () => (await stack.inboundMessages()).some((m) => m.state === 'failed'), { what: 'a failed message' });
    await stack.settled();

    const { output } = await doctor(operatorEnv());
    expect(output).toMatch(/✓ store: .*0 message\(s\) waiting, 1 failed: `npm run bridge -- failures`, 1 dead letter\(s\): `npm run bridge -- deadletters`/);

    const failures: string[] = [];
    await listFailures(stack.stack.config.databaseUrl, 10, (l) => failures.push(l));
    expect(failures.join('\n')).toMatch(/customer "Nadia"[\s\S]*why: Zendesk rejected create ticket \(422\)/);
    const letters: string[] = [];
    await listDeadLetters(stack.stack.config.databaseUrl, 10, (l) => letters.push(l));
    expect(letters.join('\n')).toContain('not "whatsapp_business_account"');
  });

  it('when run as the real command, then it exits 0 and prints the same report', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['bridge-server/main.ts', 'doctor'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...operatorEnv() },
      timeout: 15_000,
    });
    expect(stdout).toContain('✓ Zendesk: signed in');
    expect(stdout).toContain('✓ WhatsApp Graph API');
    expect(stdout).toContain('All checks passed.');
    expect(stdout).not.toContain(DEFAULT_BEARER_TOKEN);
  });
});

describe('npm run bridge -- failures, outbound', () => {
  it('when agent replies were refused or not delivered, then they are listed apart from inbound ones, with ticket, customer, code and reason in plain words', async () => {
    await stack.stack.setupZendesk();
    const waId = '393330000002';
    await stack.send(envelope(undefined, [new SimulatedCustomer({ waId, name: 'Marco 🚲' }).text('ciao')]));
    const { tickets } = await stack.waitForComments(`whatsapp:wa:${waId}`, 1);
    const ticketId = tickets[0].id;
    // One reply refused at once (a policy refusal), one accepted and then not delivered.
    stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, status: 400, body: { error: { message: 'policy', type: 'OAuthException', code: 132007, fbtrace_id: 'x' } }, times: 1 });
    stack.zendesk.addAgentComment(ticketId, { body: 'Prima risposta rifiutata' });
    await waitFor(async () => (await stack.db.selectFrom('outbound_messages').select('state').where('ticket_id', '=', ticketId).execute()).some((r) => r.state === 'failed'), { what: 'the refused reply' });
    stack.whatsapp.outbox.undeliverable.add(waId);
    stack.zendesk.addAgentComment(ticketId, { body: 'Seconda risposta mai consegnata' });
    await waitFor(async () => (await stack.db.selectFrom('outbound_messages').select('state').where('ticket_id', '=', ticketId).where('state', '=', 'failed').execute()).length === 2, { what: 'the undelivered reply' });

    const lines: string[] = [];
    await listFailures(stack.stack.config.databaseUrl, 10, (l) => lines.push(l));
    const text = lines.join('\n');
    const inboundAt = lines.findIndex((l) => l.startsWith('Inbound (WhatsApp → Zendesk)'));
    const outboundAt = lines.findIndex((l) => l.startsWith('Outbound (Zendesk → WhatsApp): 2 message(s)'));
    expect(inboundAt).toBeGreaterThanOrEqual(0);
    expect(outboundAt).toBeGreaterThan(inboundAt);
    const outbound = lines.slice(outboundAt).join('\n');
    expect(outbound).toMatch(new RegExp(`ticket ${ticketId}  customer "Marco 🚲" \\+${waId}  reply  not delivered  error 131026\\n    why: this number cannot receive WhatsApp messages[^\\n]*\\n    message: “Seconda risposta mai consegnata”`));
    expect(outbound).toMatch(new RegExp(`ticket ${ticketId}  customer "Marco 🚲" \\+${waId}  reply  not sent  error 132007\\n    why: WhatsApp refused the message under its business policy`));
    expect(outbound).not.toContain('Nadia'); // the inbound failure stays in its own list
    expect(text).toMatch(/customer "Nadia"/);

    const only: string[] = [];
    await listFailures(stack.stack.config.databaseUrl, 10, (l) => only.push(l), { direction: 'outbound', locale: 'it' });
    expect(only[0]).toMatch(/^In uscita \(Zendesk → WhatsApp\): 2 messaggi/);
    expect(only.join('\n')).toContain('non consegnato  errore 131026');
    expect(only.join('\n')).not.toMatch(/In entrata/);
  });

  it('when run as the real command with --direction outbound, then only the outbound list is printed; a wrong direction is named', async () => {
    const run = promisify(execFile);
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...operatorEnv() };
    const { stdout } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['bridge-server/main.ts', 'failures', '--direction', 'outbound'], { cwd: ROOT, env, timeout: 15_000 });
    expect(stdout).toMatch(/^Outbound \(Zendesk → WhatsApp\)/);
    expect(stdout).not.toContain('Inbound');
    await expect(run(path.join(ROOT, 'node_modules/.bin/tsx'), ['bridge-server/main.ts', 'failures', '--direction', 'sideways'], { cwd: ROOT, env, timeout: 15_000 })).rejects.toMatchObject({
      stderr: expect.stringContaining('--direction must be inbound, outbound or both (got "sideways")'),
    });
  });
});
