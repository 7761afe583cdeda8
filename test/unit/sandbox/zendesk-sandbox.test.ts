/**
 * The Zendesk sandbox, through real HTTP on port 0 with global fetch and a clock the tests move.
 */
import { createZendeskSandbox, type ZendeskSandbox, type ZendeskSandboxOptions } from '../../../bridge-server/sandbox/zendesk';

class ManualClock {
  constructor(private ms = Date.parse('2026-03-01T09:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const BEARER = 'sandbox-zendesk-token';
const MINUTE = 60_000;

interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** `null` sends no Authorization header. */
  auth?: string | null;
}

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

let clock: ManualClock;
let sandbox: ZendeskSandbox;
let baseUrl: string;

async function start(options: ZendeskSandboxOptions = {}): Promise<void> {
  clock = new ManualClock();
  sandbox = createZendeskSandbox({ clock, ...options });
  baseUrl = await sandbox.listen();
}

afterEach(async () => {
  await sandbox?.close();
});

async function call(path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const auth = options.auth === undefined ? `Bearer ${BEARER}` : options.auth;
  if (auth !== null) headers.Authorization = auth;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function endUser(name = 'Maria Rossi', externalId = 'wa:393331234567'): Promise<number> {
  const reply = await call('/api/v2/users/create_or_update', {
    method: 'POST',
    body: { user: { name, external_id: externalId, phone: '+393331234567' } },
  });
  return reply.body.user.id;
}

async function newTicket(requesterId: number, extra: Record<string, unknown> = {}): Promise<Reply> {
  return call('/api/v2/tickets', {
    method: 'POST',
    body: { ticket: { subject: 'WhatsApp', requester_id: requesterId, comment: { body: 'Ciao!', author_id: requesterId }, ...extra } },
  });
}

function comment(body: string, authorId?: number, extra: Record<string, unknown> = {}) {
  return { ticket: { comment: { body, ...(authorId ? { author_id: authorId } : {}) }, ...extra } };
}

async function waitForJob(url: string): Promise<Reply> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const reply = await call(url.replace(baseUrl, ''));
    if (reply.body.job_status.status === 'completed' || reply.body.job_status.status === 'failed') return reply;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('job did not finish');
}

describe('authentication', () => {
  beforeEach(() => start());

  it('when no credentials are sent, then 401 with Zendesk body and rate-limit headers', async () => {
    const reply = await call('/api/v2/users/me', { auth: null });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ error: "Couldn't authenticate you" });
    expect(reply.headers.get('x-rate-limit')).toBe('700');
  });

  it('when a configured bearer token is sent, then the admin agent answers', async () => {
    const reply = await call('/api/v2/users/me');
    expect(reply.status).toBe(200);
    expect(reply.body.user).toMatchObject({ id: 1, role: 'admin', name: 'Sandbox Admin', email: 'bridge@example.com' });
    expect(reply.headers.get('x-rate-limit-remaining')).toBe('699');
  });

  it('when Basic email/token:api_token is sent, then it authenticates; a wrong token does not', async () => {
    const good = Buffer.from('bridge@example.com/token:sandbox-api-token').toString('base64');
    const bad = Buffer.from('bridge@example.com/token:nope').toString('base64');
    const password = Buffer.from('bridge@example.com:sandbox-api-token').toString('base64');
    expect((await call('/api/v2/users/me', { auth: `Basic ${good}` })).status).toBe(200);
    expect((await call('/api/v2/users/me', { auth: `Basic ${bad}` })).status).toBe(401);
    expect((await call('/api/v2/users/me', { auth: `Basic ${password}` })).status).toBe(401);
    expect((await call('/api/v2/users/me', { auth: 'Bearer wrong' })).status).toBe(401);
  });

  it('when a client uses the client-credentials grant, then its token works until it expires', async () => {
    const refused = await call('/oauth/tokens', {
      method: 'POST',
      auth: null,
      body: { grant_type: 'client_credentials', client_id: 'sandbox-client', client_secret: 'wrong', scope: 'read write' },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');

    const granted = await call('/oauth/tokens', {
      method: 'POST',
      auth: null,
      body: { grant_type: 'client_credentials', client_id: 'sandbox-client', client_secret: 'sandbox-secret', scope: 'read write' },
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'bearer', scope: 'read write', expires_in: 3600 });
    const auth = `Bearer ${granted.body.access_token}`;
    expect((await call('/api/v2/users/me', { auth })).status).toBe(200);

    clock.advance(3600 * 1000);
    expect((await call('/api/v2/users/me', { auth })).status).toBe(401);
  });

  it('when an OAuth token only has the read scope, then writes are forbidden', async () => {
    const granted = await call('/oauth/tokens', {
      method: 'POST',
      auth: null,
      body: { grant_type: 'client_credentials', client_id: 'sandbox-client', client_secret: 'sandbox-secret', scope: 'read' },
    });
    const auth = `Bearer ${granted.body.access_token}`;
    expect((await call('/api/v2/users/me', { auth })).status).toBe(200);
    const write = await call('/api/v2/users/create_or_update', { method: 'POST', auth, body: { user: { name: 'X' } } });
    expect(write.status).toBe(403);
  });

  it('when the grant type is not client_credentials, then 400 unsupported_grant_type', async () => {
    const reply = await call('/oauth/tokens', { method: 'POST', auth: null, body: { grant_type: 'password' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('unsupported_grant_type');
  });
});

describe('users and identities', () => {
  beforeEach(() => start());

  it('when create_or_update meets a known external_id in another case, then 200 and the same user', async () => {
    const created = await call('/api/v2/users/create_or_update', {
      method: 'POST',
      body: { user: { name: 'Maria', external_id: 'WA:393331234567', phone: '+393331234567' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ name: 'Maria', role: 'end-user', phone: '+393331234567' });

    const updated = await call('/api/v2/users/create_or_update', {
      method: 'POST',
      body: { user: { name: 'Maria Rossi', external_id: 'wa:393331234567', user_fields: { wa_opt_in: true } } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.user).toMatchObject({ id: created.body.user.id, name: 'Maria Rossi', user_fields: { wa_opt_in: true } });
    expect(sandbox.state.users.size).toBe(2);

    const identities = await call(`/api/v2/users/${created.body.user.id}/identities`);
    expect(identities.body.identities).toEqual([expect.objectContaining({ type: 'phone_number', value: '+393331234567', primary: true })]);
  });

  it('when create_or_update meets a known email, then it updates that user', async () => {
    const first = await call('/api/v2/users/create_or_update', { method: 'POST', body: { user: { name: 'Ann', email: 'ann@example.com' } } });
    const second = await call('/api/v2/users/create_or_update', { method: 'POST', body: { user: { name: 'Ann B', email: 'ANN@example.com' } } });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.user.id).toBe(first.body.user.id);
  });

  it('when a user has no name, then 422 RecordInvalid', async () => {
    const reply = await call('/api/v2/users/create_or_update', { method: 'POST', body: { user: { external_id: 'x' } } });
    expect(reply.status).toBe(422);
    expect(reply.body.error).toBe('RecordInvalid');
  });

  it('when searching by external_id or phone, then the user is found', async () => {
    const id = await endUser();
    const byExternal = await call('/api/v2/users/search?external_id=WA%3A393331234567');
    expect(byExternal.body.users.map((u: { id: number }) => u.id)).toEqual([id]);

    const byPhone = await call(`/api/v2/users/search?query=${encodeURIComponent('phone:+393331234567')}`);
    expect(byPhone.body.users.map((u: { id: number }) => u.id)).toEqual([id]);
    // An unencoded `+` arrives as a space; the digits still match.
    const unencoded = await call('/api/v2/users/search?query=phone:+393331234567');
    expect(unencoded.body.users.map((u: { id: number }) => u.id)).toEqual([id]);
    const byName = await call('/api/v2/users/search?query=maria');
    expect(byName.body.count).toBe(1);
    expect((await call('/api/v2/users/search?external_id=nobody')).body.users).toEqual([]);
  });

  it('when an identity value belongs to another user, then 422 with Zendesk details', async () => {
    const maria = await endUser();
    const other = await endUser('Other', 'wa:1');
    const added = await call(`/api/v2/users/${other}/identities`, {
      method: 'POST',
      body: { identity: { type: 'email', value: 'other@example.com' } },
    });
    expect(added.status).toBe(201);
    expect(added.body.identity).toMatchObject({ user_id: other, type: 'email', value: 'other@example.com' });

    const conflict = await call(`/api/v2/users/${other}/identities`, {
      method: 'POST',
      body: { identity: { type: 'phone_number', value: '+393331234567' } },
    });
    expect(conflict.status).toBe(422);
    expect(conflict.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { value: [expect.objectContaining({ description: 'Value: +393331234567 is already being used by another user' })] },
    });
    expect(maria).not.toBe(other);
  });

  it('when a path ends in .json, then it is the same endpoint', async () => {
    expect((await call('/api/v2/users/1.json')).body.user.id).toBe(1);
  });

  it('when a user id is unknown, then 404 RecordNotFound', async () => {
    const reply = await call('/api/v2/users/999');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error: 'RecordNotFound', description: 'Not found' });
  });
});

describe('tickets', () => {
  beforeEach(() => start());

  it('when an end user opens a ticket, then it is new, with a public first comment and an audit', async () => {
    const requester = await endUser();
    const reply = await newTicket(requester, { tags: ['whatsapp', 'WA'], external_id: 'wa-conv-1' });
    expect(reply.status).toBe(201);
    expect(reply.body.ticket).toMatchObject({
      status: 'new',
      requester_id: requester,
      submitter_id: requester,
      description: 'Ciao!',
      tags: ['whatsapp', 'wa'],
      external_id: 'wa-conv-1',
      via: { channel: 'api' },
      comment_count: 1,
    });
    expect(reply.body.audit.events[0]).toMatchObject({ type: 'Comment', author_id: requester, public: true, body: 'Ciao!' });

    const byExternal = await call('/api/v2/tickets?external_id=wa-conv-1');
    expect(byExternal.body.tickets.map((t: { id: number }) => t.id)).toEqual([reply.body.ticket.id]);
    const many = await call(`/api/v2/tickets/show_many?ids=${reply.body.ticket.id},999`);
    expect(many.body.tickets).toHaveLength(1);
    expect((await call('/api/v2/tickets/999')).body).toEqual({ error: 'RecordNotFound', description: 'Not found' });
  });

  it('when a ticket is created with a requester object, then the user is created or reused by email', async () => {
    const body = { ticket: { requester: { name: 'Luca', email: 'luca@example.com' }, comment: { html_body: '<p>Hi &amp; bye</p>' } } };
    const first = await call('/api/v2/tickets', { method: 'POST', body });
    const second = await call('/api/v2/tickets', { method: 'POST', body });
    expect(first.body.ticket.requester_id).toBe(second.body.ticket.requester_id);
    expect(first.body.ticket.description).toBe('Hi & bye');
  });

  it('when the same Idempotency-Key comes back, then the first answer is replayed and a changed body is refused', async () => {
    const requester = await endUser();
    const body = { ticket: { requester_id: requester, comment: { body: 'Ciao!' } } };
    const headers = { 'Idempotency-Key': 'wamid.ABC' };
    const first = await call('/api/v2/tickets', { method: 'POST', body, headers });
    const again = await call('/api/v2/tickets', { method: 'POST', body, headers });
    expect(first.headers.get('x-idempotency-lookup')).toBe('miss');
    expect(again.status).toBe(201);
    expect(again.headers.get('x-idempotency-lookup')).toBe('hit');
    expect(again.body.ticket.id).toBe(first.body.ticket.id);
    expect(sandbox.state.tickets.size).toBe(1);

    const changed = await call('/api/v2/tickets', {
      method: 'POST',
      body: { ticket: { requester_id: requester, comment: { body: 'Other' } } },
      headers,
    });
    expect(changed.status).toBe(400);
    expect(changed.body.error).toBe('IdempotentRequestError');

    clock.advance(2 * 60 * MINUTE);
    const expired = await call('/api/v2/tickets', { method: 'POST', body, headers });
    expect(expired.headers.get('x-idempotency-lookup')).toBe('miss');
    expect(sandbox.state.tickets.size).toBe(2);
  });

  it('when a closed ticket is updated, then 422; a follow-up names it and gets the follow_up via', async () => {
    const requester = await endUser();
    const { body } = await newTicket(requester);
    const id = body.ticket.id;
    sandbox.setTicketStatus(id, 'solved');
    sandbox.setTicketStatus(id, 'closed');

    const refused = await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: comment('Again', requester) });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { status: [expect.objectContaining({ description: 'Status: closed prevents ticket update' })] },
    });

    const followUp = await newTicket(requester, { via_followup_source_id: id });
    expect(followUp.status).toBe(201);
    expect(followUp.body.ticket.via).toMatchObject({ channel: 'api', source: { rel: 'follow_up', from: { ticket_id: id } } });
    expect((await call(`/api/v2/tickets/${id}`)).body.ticket.followup_ids).toEqual([followUp.body.ticket.id]);

    const notClosed = await newTicket(requester, { via_followup_source_id: followUp.body.ticket.id });
    expect(notClosed.status).toBe(422);
  });

  it('when safe_update carries a stale updated_stamp, then 409 UpdateConflict', async () => {
    const requester = await endUser();
    const { body } = await newTicket(requester);
    const id = body.ticket.id;
    const stamp = body.ticket.updated_at;
    const first = await call(`/api/v2/tickets/${id}`, {
      method: 'PUT',
      body: comment('One', requester, { safe_update: true, updated_stamp: stamp }),
    });
    expect(first.status).toBe(200);
    // Same clock millisecond: the stamp still moves.
    expect(first.body.ticket.updated_at).not.toBe(stamp);

    const stale = await call(`/api/v2/tickets/${id}`, {
      method: 'PUT',
      body: comment('Two', requester, { safe_update: true, updated_stamp: stamp }),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('UpdateConflict');
    expect(sandbox.comments(id)).toHaveLength(2);
  });

  it('when an end user writes on a solved ticket, then it reopens and keeps solved_at', async () => {
    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    sandbox.addAgentComment(id, { body: 'Fixed', public: true });
    const solved = sandbox.setTicketStatus(id, 'solved');
    expect(solved.solved_at).not.toBeNull();
    expect(solved.assignee_id).toBe(1);

    const reply = await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: comment('Not fixed', requester) });
    expect(reply.body.ticket).toMatchObject({ status: 'open', solved_at: solved.solved_at });
    expect(reply.body.audit.events).toContainEqual(expect.objectContaining({ type: 'Change', field_name: 'status', value: 'open', previous_value: 'solved' }));
  });

  it('when a ticket is at the comment cap, then another comment is a 422', async () => {
    await sandbox.close();
    await start({ commentCap: 3 });
    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    for (const text of ['2', '3']) {
      expect((await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: comment(text, requester) })).status).toBe(200);
    }
    const capped = await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: comment('4', requester) });
    expect(capped.status).toBe(422);
    expect(capped.body.error).toBe('RecordInvalid');
    expect(capped.body.details.comment[0].description).toMatch(/limit of 3 comments/);
    // Status changes without a comment still go through.
    expect((await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: { ticket: { status: 'pending' } } })).status).toBe(200);
  });

  it('when comments are listed with cursor pagination, then pages follow links.next in either order', async () => {
    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    for (const text of ['2', '3', '4', '5']) await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: comment(text, requester) });

    const first = await call(`/api/v2/tickets/${id}/comments?page[size]=2`);
    expect(first.body.comments.map((c: { body: string }) => c.body)).toEqual(['Ciao!', '2']);
    expect(first.body.meta.has_more).toBe(true);
    const second = await call(first.body.links.next.replace(baseUrl, ''));
    expect(second.body.comments.map((c: { body: string }) => c.body)).toEqual(['3', '4']);
    const third = await call(second.body.links.next.replace(baseUrl, ''));
    expect(third.body.comments.map((c: { body: string }) => c.body)).toEqual(['5']);
    expect(third.body.meta.has_more).toBe(false);
    expect(third.body.links.next).toBeNull();

    const newest = await call(`/api/v2/tickets/${id}/comments?sort_order=desc&page[size]=2`);
    expect(newest.body.comments.map((c: { body: string }) => c.body)).toEqual(['5', '4']);
  });

  it('when an update carries metadata, then its audit keeps it in metadata.custom', async () => {
    const requester = await endUser();
    const id = (await newTicket(requester, { metadata: { bridge: 'create' } })).body.ticket.id;
    const update = await call(`/api/v2/tickets/${id}`, {
      method: 'PUT',
      body: comment('Photo', requester, { metadata: { bridge: { wamid: 'wamid.XYZ' } }, status: 'open' }),
    });
    const commentId = update.body.audit.events[0].id;
    expect(update.body.audit.events[0]).toMatchObject({ type: 'Comment', body: 'Photo' });

    const audits = await call(`/api/v2/tickets/${id}/audits?sort_order=desc&page[size]=1`);
    const [latest] = audits.body.audits;
    expect(latest.metadata.custom).toEqual({ bridge: { wamid: 'wamid.XYZ' } });
    expect(latest.metadata.system).toEqual(expect.objectContaining({ location: 'Sandbox' }));
    expect(latest.events).toEqual([
      expect.objectContaining({ type: 'Comment', id: commentId }),
      expect.objectContaining({ type: 'Change', field_name: 'status', value: 'open', previous_value: 'new' }),
    ]);
    expect(audits.body.meta.has_more).toBe(true);
    const comments = await call(`/api/v2/tickets/${id}/comments`);
    expect(comments.body.comments[1].metadata.custom).toEqual({ bridge: { wamid: 'wamid.XYZ' } });
  });
});

describe('uploads', () => {
  beforeEach(() => start());

  it('when a file is uploaded and attached, then its content_url serves the same bytes', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    const fileName = 'фото 报告.png';
    const response = await fetch(`${baseUrl}/api/v2/uploads?filename=${encodeURIComponent(fileName)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${BEARER}`, 'Content-Type': 'image/png' },
      body: bytes,
    });
    expect(response.status).toBe(201);
    const { upload } = await response.json();
    expect(upload.attachment).toMatchObject({ file_name: fileName, content_type: 'image/png', size: bytes.length });

    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    const update = await call(`/api/v2/tickets/${id}`, {
      method: 'PUT',
      body: { ticket: { comment: { body: 'See photo', author_id: requester, uploads: [upload.token] } } },
    });
    expect(update.status).toBe(200);
    const comments = await call(`/api/v2/tickets/${id}/comments`);
    const [attachment] = comments.body.comments[1].attachments;
    expect(attachment.file_name).toBe(fileName);

    const download = await fetch(attachment.content_url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expect(sandbox.state.attachments.get(attachment.id)?.data.equals(bytes)).toBe(true);
  });

  it('when an upload token is older than 60 minutes or unknown, then attaching it is a 422', async () => {
    const response = await fetch(`${baseUrl}/api/v2/uploads?filename=a.txt`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${BEARER}`, 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    const { upload } = await response.json();
    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    clock.advance(60 * MINUTE);
    for (const token of [upload.token, 'unknown']) {
      const reply = await call(`/api/v2/tickets/${id}`, {
        method: 'PUT',
        body: { ticket: { comment: { body: 'x', uploads: [token] } } },
      });
      expect(reply.status).toBe(422);
      expect(reply.body.details.uploads[0].description).toMatch(/invalid or has expired/);
    }
    expect(sandbox.comments(id)).toHaveLength(1);
  });

  it('when a file is over 50 MB, then 413 with a clear description', async () => {
    const response = await fetch(`${baseUrl}/api/v2/uploads?filename=big.bin`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${BEARER}`, 'Content-Type': 'application/octet-stream' },
      body: Buffer.alloc(50 * 1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).description).toMatch(/50 MB/);
  });

  it('when the filename is missing, then 400', async () => {
    const response = await fetch(`${baseUrl}/api/v2/uploads`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${BEARER}`, 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(400);
  });
});

describe('rate limits', () => {
  it('when one ticket is updated 31 times in 10 minutes, then 429 with Retry-After until a slot frees', async () => {
    await start();
    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    for (let i = 0; i < 30; i += 1) {
      const reply = await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: { ticket: { additional_tags: [`t${i}`] } } });
      expect(reply.status).toBe(200);
      clock.advance(1000);
    }
    const limited = await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: { ticket: { additional_tags: ['late'] } } });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('TooManyRequests');
    // The first update was 30 s ago; its slot frees at 10 minutes.
    expect(limited.headers.get('retry-after')).toBe('570');
    expect(sandbox.state.stats.rateLimited).toBe(1);

    // Another ticket is not affected.
    const other = (await newTicket(requester)).body.ticket.id;
    expect((await call(`/api/v2/tickets/${other}`, { method: 'PUT', body: { ticket: { status: 'open' } } })).status).toBe(200);

    clock.advance(570 * 1000);
    expect((await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: { ticket: { additional_tags: ['late'] } } })).status).toBe(200);
    // 429s took no slot: the next one is refused again only because the window is full.
    const next = await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: { ticket: { additional_tags: ['later'] } } });
    expect(next.status).toBe(429);
    expect(next.headers.get('retry-after')).toBe('1');
  });

  it('when Update Ticket is called more than its per-minute account limit, then 429', async () => {
    await start({ plan: { ticketUpdatesPerMinute: 3 } });
    const requester = await endUser();
    const ids: number[] = [];
    for (let i = 0; i < 4; i += 1) ids.push((await newTicket(requester)).body.ticket.id);
    const statuses: number[] = [];
    for (const id of ids) statuses.push((await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: { ticket: { status: 'open' } } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Reads are not Update Ticket calls.
    expect((await call(`/api/v2/tickets/${ids[3]}`)).status).toBe(200);
  });

  it('when the account limit is reached, then every endpoint answers 429 until the minute rolls', async () => {
    await start({ plan: { accountPerMinute: 3 } });
    expect((await call('/api/v2/users/me')).headers.get('x-rate-limit-remaining')).toBe('2');
    await call('/api/v2/users/me');
    const third = await call('/api/v2/users/me');
    expect(third.headers.get('x-rate-limit-remaining')).toBe('0');
    // Unauthenticated requests do not count.
    expect((await call('/api/v2/users/me', { auth: null })).status).toBe(401);

    clock.advance(20_000);
    const limited = await call('/api/v2/tickets/1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(limited.headers.get('x-rate-limit')).toBe('3');

    clock.advance(40_000);
    expect((await call('/api/v2/users/me')).status).toBe(200);
    expect(sandbox.state.stats.byStatus['429']).toBe(1);
    expect(sandbox.state.stats.byRoute['GET /api/v2/users/me']).toBe(5);
  });
});

describe('bulk updates', () => {
  it('when update_many runs, then each ticket gets a result and closed or over-limit tickets fail alone', async () => {
    await start({ plan: { ticketUpdatesPerMinute: 1, perTicketPer10Minutes: 2 } });
    const requester = await endUser();
    const open = (await newTicket(requester)).body.ticket.id;
    const closed = (await newTicket(requester)).body.ticket.id;
    sandbox.setTicketStatus(closed, 'solved');
    sandbox.setTicketStatus(closed, 'closed');

    const reply = await call('/api/v2/tickets/update_many', {
      method: 'PUT',
      body: {
        tickets: [
          { id: open, comment: { body: 'one', author_id: requester }, metadata: { batch: 1 } },
          { id: closed, comment: { body: 'two', author_id: requester } },
          { id: open, comment: { body: 'three', author_id: requester } },
          { id: open, comment: { body: 'four', author_id: requester } },
          { id: 999, status: 'open' },
        ],
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.job_status).toMatchObject({ status: 'queued', total: 5, progress: 0, results: null });

    const done = await waitForJob(reply.body.job_status.url);
    expect(done.body.job_status).toMatchObject({ status: 'completed', progress: 5 });
    const results = done.body.job_status.results;
    expect(results.map((r: { success: boolean }) => r.success)).toEqual([true, false, true, false, false]);
    expect(results[1]).toMatchObject({ id: closed, index: 1, action: 'update', status: 'Failed', errors: 'Status: closed prevents ticket update' });
    expect(results[3]).toMatchObject({ id: open, error: 'TooManyRequests' });
    expect(results[4]).toMatchObject({ id: 999, error: 'RecordNotFound' });
    expect(sandbox.comments(open).map((c) => c.body)).toEqual(['Ciao!', 'one', 'three']);
    expect(sandbox.audits(open)[1].metadata.custom).toEqual({ batch: 1 });

    // update_many does not spend the Update Ticket endpoint limit (1 per minute here).
    const fresh = (await newTicket(requester)).body.ticket.id;
    expect((await call(`/api/v2/tickets/${fresh}`, { method: 'PUT', body: { ticket: { status: 'open' } } })).status).toBe(200);
    expect(sandbox.state.stats.byRoute['PUT /api/v2/tickets/update_many']).toBe(1);
  });

  it('when the job queue is full (30 jobs by default, 2 here), then another bulk update is a 429', async () => {
    await start({ maxActiveJobs: 2, jobDelayMs: 5000 });
    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    const body = { tickets: [{ id, status: 'open' }] };
    expect((await call('/api/v2/tickets/update_many', { method: 'PUT', body })).status).toBe(200);
    expect((await call('/api/v2/tickets/update_many', { method: 'PUT', body })).status).toBe(200);
    const third = await call('/api/v2/tickets/update_many', { method: 'PUT', body });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('when more than 100 tickets are sent, then 400', async () => {
    await start();
    const tickets = Array.from({ length: 101 }, (_, i) => ({ id: i + 1, status: 'open' }));
    expect((await call('/api/v2/tickets/update_many', { method: 'PUT', body: { tickets } })).status).toBe(400);
  });
});

describe('fault injection', () => {
  beforeEach(() => start());

  it('when a fault matches, then it answers instead of the route for its number of times', async () => {
    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    sandbox.faults.add({ method: 'PUT', path: '/api/v2/tickets/:id', status: 503, times: 1 });
    sandbox.faults.add({ method: 'GET', path: /\/comments$/, status: 429, retryAfterSeconds: 7 });

    const failed = await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: comment('x', requester) });
    expect(failed.status).toBe(503);
    expect(sandbox.comments(id)).toHaveLength(1);
    expect((await call(`/api/v2/tickets/${id}`, { method: 'PUT', body: comment('x', requester) })).status).toBe(200);

    const limited = await call(`/api/v2/tickets/${id}/comments`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(sandbox.state.stats.faultsInjected).toBe(2);
    expect(sandbox.state.stats.byRoute['PUT /api/v2/tickets/:id']).toBe(2);
    expect(sandbox.state.stats.byStatus['503']).toBe(1);
  });

  it('when a fault drops the connection, then the client sees a network error', async () => {
    sandbox.faults.add({ path: '/api/v2/users/me', status: 0, dropConnection: true });
    await expect(call('/api/v2/users/me')).rejects.toThrow();
    expect((await call('/api/v2/users/me')).status).toBe(200);
  });

  it('when a fault comes after the write (afterApply), then the update is applied but its answer is lost', async () => {
    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    sandbox.faults.add({ method: 'PUT', path: '/api/v2/tickets/:id', dropConnection: true, afterApply: true });
    await expect(call(`/api/v2/tickets/${id}`, { method: 'PUT', body: comment('applied, answer lost', requester, { metadata: { delivery: 'd-1' } }) })).rejects.toThrow();
    expect(sandbox.comments(id).map((c) => c.body)).toEqual(['Ciao!', 'applied, answer lost']);
    expect(sandbox.audits(id).at(-1)?.metadata.custom).toEqual({ delivery: 'd-1' });
    expect(sandbox.state.stats.byStatus.dropped).toBe(1);
  });

  it('when a create is answered 502 after it was applied, then repeating it with its Idempotency-Key returns the same ticket', async () => {
    const requester = await endUser();
    sandbox.faults.add({ method: 'POST', path: '/api/v2/tickets', status: 502, afterApply: true });
    const body = { ticket: { subject: 'WhatsApp', requester_id: requester, comment: { body: 'Ciao!', author_id: requester } } };
    const headers = { 'Idempotency-Key': 'delivery-42' };
    const failed = await call('/api/v2/tickets', { method: 'POST', body, headers });
    expect(failed.status).toBe(502);
    expect(failed.headers.get('x-idempotency-lookup')).toBeNull();
    expect(sandbox.state.tickets.size).toBe(1);

    const replay = await call('/api/v2/tickets', { method: 'POST', body, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('x-idempotency-lookup')).toBe('hit');
    expect(replay.body.ticket.id).toBe([...sandbox.state.tickets.keys()][0]);
    expect(sandbox.state.tickets.size).toBe(1);
  });

  it('when a fault has no status, then it only delays the request, before or after applying it', async () => {
    sandbox.faults.add({ path: '/api/v2/users/me', delayMs: 60 });
    const started = Date.now();
    expect((await call('/api/v2/users/me')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);

    const requester = await endUser();
    sandbox.faults.add({ method: 'POST', path: '/api/v2/tickets', delayMs: 300, afterApply: true });
    let answered = false;
    const pending = newTicket(requester).finally(() => (answered = true));
    while (sandbox.state.tickets.size === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(answered).toBe(false);
    expect((await pending).status).toBe(201);
  });

  it('when faults are managed over /__sandbox, then they apply and clear, and the state is summarized', async () => {
    const added = await call('/__sandbox/faults', { method: 'POST', auth: null, body: { path: '/api/v2/users/me', status: 500, times: 'always' } });
    expect(added.status).toBe(201);
    expect((await call('/api/v2/users/me')).status).toBe(500);
    expect((await call('/api/v2/users/me')).status).toBe(500);
    expect((await call('/__sandbox/faults', { method: 'DELETE', auth: null })).status).toBe(204);
    expect((await call('/api/v2/users/me')).status).toBe(200);

    const requester = await endUser();
    await newTicket(requester);
    const state = await call('/__sandbox/state', { auth: null });
    expect(state.body.tickets[0]).toMatchObject({ status: 'new', comments: [expect.objectContaining({ body: 'Ciao!', author_id: requester })] });
    expect(state.body.users).toHaveLength(2);
    expect(state.body.stats.requests).toBeGreaterThan(0);
  });
});

describe('agent actions', () => {
  beforeEach(() => start());

  it('when an agent acts, then statuses follow Zendesk rules and comments are the agent’s', async () => {
    const requester = await endUser();
    const id = (await newTicket(requester)).body.ticket.id;
    expect(() => sandbox.setTicketStatus(id, 'closed')).toThrow(/only a solved ticket can be closed/);
    const agent = sandbox.createAgent('Giulia');
    expect(agent.role).toBe('agent');
    const reply = sandbox.addAgentComment(id, { body: 'Internal note', public: false, authorId: agent.id });
    expect(reply).toMatchObject({ author_id: agent.id, public: false, via: { channel: 'web' } });
    const fromAdmin = sandbox.addAgentComment(id, { body: 'Hello' });
    expect(fromAdmin).toMatchObject({ author_id: 1, public: true });
  });
});

describe('webhooks, triggers and ticket fields', () => {
  beforeEach(() => start());

  it('when a webhook is created, then it can be read, patched, deleted and has a signing secret', async () => {
    const created = await call('/api/v2/webhooks', {
      method: 'POST',
      body: {
        webhook: {
          name: 'Bridge',
          endpoint: 'http://127.0.0.1:9/zendesk/webhook',
          http_method: 'POST',
          request_format: 'json',
          status: 'active',
          subscriptions: ['conditional_ticket_events'],
        },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.webhook.id;
    expect(id).toMatch(/^01[0-9A-Z]{24}$/);
    const secret = await call(`/api/v2/webhooks/${id}/signing_secret`);
    expect(secret.body.signing_secret).toEqual({ algorithm: 'SHA256', secret: expect.any(String) });

    expect((await call(`/api/v2/webhooks/${id}`, { method: 'PATCH', body: { webhook: { status: 'inactive' } } })).status).toBe(204);
    expect((await call(`/api/v2/webhooks/${id}`)).body.webhook.status).toBe('inactive');
    expect((await call('/api/v2/webhooks')).body.webhooks).toHaveLength(1);

    const trigger = await call('/api/v2/triggers', {
      method: 'POST',
      body: {
        trigger: {
          title: 'Notify bridge',
          conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Change' }] },
          actions: [{ field: 'notification_webhook', value: [id, '{"ticket_id": "{{ticket.id}}"}'] }],
        },
      },
    });
    expect(trigger.status).toBe(201);
    const updated = await call(`/api/v2/triggers/${trigger.body.trigger.id}`, { method: 'PUT', body: { trigger: { active: false } } });
    expect(updated.body.trigger).toMatchObject({ active: false, title: 'Notify bridge' });
    expect((await call('/api/v2/triggers')).body.count).toBe(1);

    const missing = await call('/api/v2/triggers', {
      method: 'POST',
      body: { trigger: { title: 'Bad', actions: [{ field: 'notification_webhook', value: ['01NOPE', '{}'] }] } },
    });
    expect(missing.status).toBe(422);

    expect((await call(`/api/v2/webhooks/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/v2/webhooks/${id}`)).status).toBe(404);
  });

  it('when a webhook mixes trigger and event subscriptions, then 400', async () => {
    const reply = await call('/api/v2/webhooks', {
      method: 'POST',
      body: {
        webhook: {
          name: 'Mixed',
          endpoint: 'https://example.com/hook',
          http_method: 'POST',
          request_format: 'json',
          status: 'active',
          subscriptions: ['conditional_ticket_events', 'zen:event-type:user.created'],
        },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].code).toBe('InvalidInput');
  });

  it('when a ticket field is created, then tickets list it in custom_fields', async () => {
    const field = await call('/api/v2/ticket_fields', { method: 'POST', body: { ticket_field: { type: 'text', title: 'WhatsApp number' } } });
    expect(field.status).toBe(201);
    const fieldId = field.body.ticket_field.id;
    expect((await call('/api/v2/ticket_fields')).body.ticket_fields).toHaveLength(1);
    const requester = await endUser();
    const ticket = await newTicket(requester, { custom_fields: [{ id: fieldId, value: '+393331234567' }] });
    expect(ticket.body.ticket.custom_fields).toEqual([{ id: fieldId, value: '+393331234567' }]);
    const other = await newTicket(requester);
    expect(other.body.ticket.custom_fields).toEqual([{ id: fieldId, value: null }]);
  });

  it('when a ticket field is deleted, then its values go, and writes naming it succeed without it, as in Zendesk', async () => {
    const field = await call('/api/v2/ticket_fields', { method: 'POST', body: { ticket_field: { type: 'text', title: 'WhatsApp number' } } });
    const fieldId = field.body.ticket_field.id;
    const requester = await endUser();
    const before = await newTicket(requester, { custom_fields: [{ id: fieldId, value: '+393331234567' }] });
    expect((await call(`/api/v2/ticket_fields/${fieldId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/v2/ticket_fields/${fieldId}`)).status).toBe(404);
    expect((await call(`/api/v2/tickets/${before.body.ticket.id}`)).body.ticket.custom_fields).toEqual([]);

    const created = await newTicket(requester, { custom_fields: [{ id: fieldId, value: '+393331234567' }, { id: 424242, value: 'x' }] });
    expect(created.status).toBe(201);
    expect(created.body.ticket.custom_fields).toEqual([]);
    const updated = await call(`/api/v2/tickets/${created.body.ticket.id}`, { method: 'PUT', body: { ticket: { custom_fields: [{ id: fieldId, value: 'y' }] } } });
    expect(updated.status).toBe(200);
    expect(updated.body.ticket.custom_fields).toEqual([]);
  });

  it('when a ticket field is updated, then title, description and active change but its type cannot', async () => {
    const field = await call('/api/v2/ticket_fields', { method: 'POST', body: { ticket_field: { type: 'text', title: 'WhatsApp number', description: 'x' } } });
    const fieldId = field.body.ticket_field.id;
    const changed = await call(`/api/v2/ticket_fields/${fieldId}`, { method: 'PUT', body: { ticket_field: { title: 'Numero WhatsApp', active: false } } });
    expect(changed.body.ticket_field).toMatchObject({ id: fieldId, type: 'text', title: 'Numero WhatsApp', description: 'x', active: false });
    const retyped = await call(`/api/v2/ticket_fields/${fieldId}`, { method: 'PUT', body: { ticket_field: { type: 'integer' } } });
    expect(retyped.status).toBe(422);
    expect(retyped.body.details.type[0].description).toContain('cannot be changed');
  });
});
