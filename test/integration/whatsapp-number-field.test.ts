/**
 * The "WhatsApp number" ticket field: `setup` creates it once (and puts it back when it drifts or
 * disappears), the bridge fills it in the request that creates a ticket, and a field deleted in
 * Zendesk never makes a write fail: the bridge drops it, logs it, and `doctor` says so.
 */
import { runDoctor } from '../../bridge-server/cli/doctor';
import { NUMBER_FIELD_TITLE } from '../../bridge-server/cli/setup';
import { createLogger } from '../../bridge-server/lib/logger';
import { SANDBOX_BRIDGE_API_KEY, SANDBOX_VERIFY_TOKEN } from '../../bridge-server/sandbox/stack';
import { SimulatedCustomer, envelope, type PhoneMessage } from '../../bridge-server/sandbox/whatsapp/phone';
import { DEFAULT_BEARER_TOKEN } from '../../bridge-server/sandbox/zendesk/options';
import { NUMBER_FIELD_KEY, NUMBER_FIELD_LOST_KEY } from '../../bridge-server/sync/whatsapp-number-field';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

let stack: TestStack;
let logLines: string[];

beforeEach(async () => {
  logLines = [];
  const logger = createLogger('warn', { write: (line: string) => void logLines.push(line) });
  stack = await startTestStack({ bridge: { logger } });
});
afterEach(async () => {
  await stack.close();
});

async function send(...messages: PhoneMessage[]): Promise<void> {
  const res = await stack.send(envelope(stack.whatsapp.settings.phoneNumberId, messages));
  expect(res.status).toBe(200);
}

const fields = () => [...stack.zendesk.state.ticketFields.values()];
const storedSetting = async (key: string) => (await stack.db.selectFrom('bridge_settings').select('value').where('key', '=', key).executeTakeFirst())?.value ?? null;

async function zendeskApi(method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.zendesk.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${DEFAULT_BEARER_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

async function doctor(): Promise<{ code: number; output: string }> {
  const wa = stack.whatsapp.settings;
  const lines: string[] = [];
  const code = await runDoctor(
    {
      DATABASE_URL: stack.stack.config.databaseUrl,
      WHATSAPP_APP_SECRET: wa.appSecret,
      WHATSAPP_VERIFY_TOKEN: SANDBOX_VERIFY_TOKEN,
      WHATSAPP_ACCESS_TOKEN: wa.accessToken,
      WHATSAPP_PHONE_NUMBER_ID: wa.phoneNumberId,
      WHATSAPP_GRAPH_URL: stack.whatsapp.url!,
      WHATSAPP_API_VERSION: wa.apiVersion,
      ZENDESK_URL: stack.zendesk.baseUrl!,
      ZENDESK_OAUTH_TOKEN: DEFAULT_BEARER_TOKEN,
      BRIDGE_API_KEY: SANDBOX_BRIDGE_API_KEY,
    },
    (l) => lines.push(l),
  );
  return { code, output: lines.join('\n') };
}

describe('setup and the "WhatsApp number" ticket field', () => {
  it('when setup runs, then it creates one active text field and stores its id; a second run, and a dry run, change nothing', async () => {
    const dry = await stack.stack.setupZendesk({ dryRun: true });
    expect(dry.steps.find((s) => s.what === 'field')).toMatchObject({ action: 'create', id: null });
    expect(fields()).toHaveLength(0);

    const first = await stack.stack.setupZendesk();
    expect(fields()).toHaveLength(1);
    const [field] = fields();
    expect(field).toMatchObject({ type: 'text', title: NUMBER_FIELD_TITLE, active: true, required: false });
    expect(field.description).toMatch(/WhatsApp number/);
    expect(first.fieldId).toBe(field.id);
    expect(await storedSetting(NUMBER_FIELD_KEY)).toBe(String(field.id));
    expect(first.steps.filter((s) => s.what.startsWith('field')).map((s) => `${s.what}:${s.action}`)).toEqual(['field:create', 'field id:create']);

    const before = JSON.stringify(fields());
    const second = await stack.stack.setupZendesk();
    expect(second.changed).toBe(false);
    expect(second.steps.find((s) => s.what === 'field')).toMatchObject({ action: 'unchanged', id: String(field.id) });
    expect(JSON.stringify(fields())).toBe(before);
  });

  it('when an admin deactivated or renamed the field, then setup finds it by its stored id and puts it back, without a second field', async () => {
    const { fieldId } = await stack.stack.setupZendesk();
    expect((await zendeskApi('PUT', `/api/v2/ticket_fields/${fieldId}`, { ticket_field: { active: false, title: 'Numero WhatsApp' } })).status).toBe(200);

    const again = await stack.stack.setupZendesk();
    expect(again.steps.find((s) => s.what === 'field')).toMatchObject({ action: 'update', id: String(fieldId) });
    expect(fields()).toHaveLength(1);
    expect(fields()[0]).toMatchObject({ id: fieldId, title: NUMBER_FIELD_TITLE, active: true });
    expect((await stack.stack.setupZendesk()).changed).toBe(false);
  });

  it('when the account has more than 100 ticket fields and the store forgot the id, then setup finds the field on a later page instead of creating it again', async () => {
    for (let i = 1; i <= 130; i++) expect((await zendeskApi('POST', '/api/v2/ticket_fields', { ticket_field: { type: 'text', title: `Campo ${i} · 字段 ${i}` } })).status).toBe(201);
    // Created by an earlier setup whose store is gone (a new database, a second bridge).
    const made = await zendeskApi('POST', '/api/v2/ticket_fields', { ticket_field: { type: 'text', title: NUMBER_FIELD_TITLE } });
    const fieldId = made.body.ticket_field.id as number;
    // Zendesk answers 100 fields a page: the field is not on the first one.
    const first = await zendeskApi('GET', '/api/v2/ticket_fields');
    expect(first.body.ticket_fields).toHaveLength(100);
    expect(first.body.ticket_fields.map((f: { id: number }) => f.id)).not.toContain(fieldId);

    const result = await stack.stack.setupZendesk();
    expect(result.fieldId).toBe(fieldId);
    expect(result.steps.find((s) => s.what === 'field')).toMatchObject({ id: String(fieldId) });
    expect(fields().filter((f) => f.title === NUMBER_FIELD_TITLE)).toHaveLength(1);
    expect(fields()).toHaveLength(131);
    expect(await storedSetting(NUMBER_FIELD_KEY)).toBe(String(fieldId));

    await stack.db.deleteFrom('bridge_settings').where('key', '=', NUMBER_FIELD_KEY).execute();
    expect((await stack.stack.setupZendesk()).fieldId).toBe(fieldId);
    expect(fields().filter((f) => f.title === NUMBER_FIELD_TITLE)).toHaveLength(1);
  });
});

describe('new tickets carry the customer in the "WhatsApp number" field', () => {
  it('when a customer with a number writes, then the ticket is created with +number in the field, in the same request', async () => {
    const { fieldId } = await stack.stack.setupZendesk();
    const requestsBefore = { ...stack.zendesk.state.stats.byRoute };
    await send(new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' }).text('Ciao! 👋'));
    const { tickets } = await stack.waitForComments('whatsapp:wa:393331234567', 1);

    expect(tickets).toHaveLength(1);
    expect(tickets[0].custom_fields).toEqual([{ id: fieldId, value: '+393331234567' }]);
    const answer = await zendeskApi('GET', `/api/v2/tickets/${tickets[0].id}`);
    expect(answer.body.ticket.custom_fields).toContainEqual({ id: fieldId, value: '+393331234567' });
    // One create, and no update to set the field afterwards.
    const delta = (route: string) => (stack.zendesk.state.stats.byRoute[route] ?? 0) - (requestsBefore[route] ?? 0);
    expect(delta('POST /api/v2/tickets')).toBe(1);
    expect(delta('PUT /api/v2/tickets/:id')).toBe(0);
  });

  it('when a customer is known only by a business-scoped id, then the field holds that id', async () => {
    const { fieldId } = await stack.stack.setupZendesk();
    await send(new SimulatedCustomer({ userId: 'IT.13491208655302741918', name: '小明' }).text('你好'));
    const { tickets } = await stack.waitForComments('whatsapp:bsuid:IT.13491208655302741918', 1);
    expect(tickets[0].custom_fields).toEqual([{ id: fieldId, value: 'IT.13491208655302741918' }]);
  });

  it('when setup has not run, then tickets are created without custom fields', async () => {
    await send(new SimulatedCustomer({ waId: '34612345678', name: 'Lucía' }).text('¡Hola!'));
    const { tickets } = await stack.waitForComments('whatsapp:wa:34612345678', 1);
    expect(tickets[0].custom_fields).toEqual([]);
  });

  it('when the field was deleted in Zendesk, then the ticket is still created, the bridge stops sending the field, logs it and doctor reports it; setup creates it again', async () => {
    const { fieldId } = await stack.stack.setupZendesk();
    expect((await zendeskApi('DELETE', `/api/v2/ticket_fields/${fieldId}`)).status).toBe(204);
    expect((await zendeskApi('GET', `/api/v2/ticket_fields/${fieldId}`)).status).toBe(404);

    await send(new SimulatedCustomer({ waId: '393330000009', name: 'Anna' }).text('Buongiorno'));
    const { tickets } = await stack.waitForComments('whatsapp:wa:393330000009', 1);
    expect(tickets[0].custom_fields).toEqual([]);

    // The bridge reads Zendesk's answer after the comment exists: wait for it to record the loss.
    await waitFor(async () => (await storedSetting(NUMBER_FIELD_LOST_KEY)) === String(fieldId), { what: 'the lost field to be recorded' });
    expect(await storedSetting(NUMBER_FIELD_KEY)).toBeNull();
    await stack.settled();
    expect(await stack.inboundMessages()).toEqual([expect.objectContaining({ state: 'delivered', error: null })]);
    const warnings = logLines.map((l) => JSON.parse(l) as { msg: string; fieldId?: number });
    expect(warnings).toContainEqual(expect.objectContaining({ fieldId, msg: expect.stringContaining('"WhatsApp number" ticket field no longer exists in Zendesk') }));

    // The next new ticket is created without naming the lost field at all.
    await send(new SimulatedCustomer({ waId: '393330000010', name: 'Bruno' }).text('Salve'));
    await stack.waitForComments('whatsapp:wa:393330000010', 1);
    const requests = await stack.db.selectFrom('deliveries').select('request').where('kind', '=', 'create').orderBy('created_at').execute();
    expect(JSON.parse(requests[requests.length - 1].request).custom_fields).toBeUndefined();

    const report = await doctor();
    expect(report.code).toBe(1);
    expect(report.output).toContain(`✗ WhatsApp number field: ticket field #${fieldId} was deleted in Zendesk`);
    expect(report.output).toContain('npm run bridge -- setup');

    const again = await stack.stack.setupZendesk();
    expect(again.steps.find((s) => s.what === 'field')?.action).toBe('create');
    expect(again.fieldId).not.toBe(fieldId);
    expect(await storedSetting(NUMBER_FIELD_LOST_KEY)).toBeNull();
    expect((await doctor()).output).toContain(`✓ WhatsApp number field: ticket field #${again.fieldId}`);

    await send(new SimulatedCustomer({ waId: '393330000011', name: 'Carla' }).text('Eccomi'));
    const carla = await stack.waitForComments('whatsapp:wa:393330000011', 1);
    expect(carla.tickets[0].custom_fields).toEqual([{ id: again.fieldId, value: '+393330000011' }]);
  });
});
