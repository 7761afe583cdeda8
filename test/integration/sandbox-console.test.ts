/**
 * The sandbox console's API against a real stack: what a developer does in the page (a customer
 * writes, sends a picture or a location; the agent replies; time moves) must run the real loop
 * through the bridge, and show up where a user looks: the ticket, the phone's ticks, the app API.
 */
import { AdjustableClock } from '../../bridge-server/lib/clock';
import { createSandboxConsole, type SandboxConsole } from '../../bridge-server/sandbox/console';
import { readPngSize } from '../../scripts/png';
import { SANDBOX_BRIDGE_API_KEY } from '../../bridge-server/sandbox/stack';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

interface ChatEntry {
  id: string;
  direction: 'in' | 'out';
  type: string;
  text: string | null;
  tick: string;
  reaction: string | null;
  media: { url: string } | null;
}

describe('the sandbox console', () => {
  let stack: TestStack;
  let consoleServer: SandboxConsole;
  let url: string;
  let clock: AdjustableClock;

  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${url}/api${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const chat = async (waId: string) => (await call(`/customers/${waId}/chat`)).json.messages as ChatEntry[];
  const conversation = async (ticketId: number) => {
    const res = await fetch(`${stack.bridgeUrl}/api/v1/tickets/${ticketId}/conversation`, { headers: { authorization: `Bearer ${SANDBOX_BRIDGE_API_KEY}` } });
    return (await res.json()) as { window: { state: string }; now: string };
  };

  beforeEach(async () => {
    clock = new AdjustableClock();
    stack = await startTestStack({ clock, bridge: { outbound: { sweepIntervalMs: 100 } } });
    await stack.stack.setupZendesk();
    consoleServer = createSandboxConsole({ stack: stack.stack, clock, buildSidebar: false, liveIntervalMs: 50 });
    url = await consoleServer.listen(0);
  });
  afterEach(async () => {
    await consoleServer?.close();
    await stack?.close();
  });

  it('when a customer with an Arabic name writes text, sends a picture and a location, then the ticket shows them and the phone shows them delivered', async () => {
    const created = await call('/customers', { name: 'فاطمة الزهراء 🌸', number: '+971 50 123 4567' });
    expect(created.status).toBe(201);
    expect(created.json.customer).toMatchObject({ waId: '971501234567', name: 'فاطمة الزهراء 🌸' });

    expect((await call('/customers/971501234567/messages', { type: 'text', text: 'مرحبا، أين طلبي؟' })).status).toBe(201);
    const { tickets } = await stack.waitForComments('whatsapp:wa:971501234567', 1);
    const ticketId = tickets[0].id;
    expect((await call('/customers/971501234567/messages', { type: 'image', caption: 'الإيصال' })).status).toBe(201);
    expect((await call('/customers/971501234567/messages', { type: 'location', latitude: 25.1972, longitude: 55.2744, name: 'برج خليفة' })).status).toBe(201);

    const detail = await waitFor(async () => {
      const t = (await call(`/tickets/${ticketId}`)).json.ticket;
      const body = t.comments.map((c: { body: string }) => c.body).join('\n');
      return body.includes('برج خليفة') && t.comments.some((c: { attachments: unknown[] }) => c.attachments.length > 0) && t;
    }, { what: 'the picture and the location on the ticket' });
    expect(detail.requester.name).toBe('فاطمة الزهراء 🌸');
    expect(detail.comments.map((c: { body: string }) => c.body).join('\n')).toContain('مرحبا، أين طلبي؟');
    const attachment = detail.comments.flatMap((c: { attachments: { url: string; contentType: string }[] }) => c.attachments)[0];
    const file = await fetch(`${url}${attachment.url}`);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(readPngSize(bytes)).toEqual({ width: 96, height: 96 });

    const list = (await call('/tickets')).json.tickets;
    expect(list[0]).toMatchObject({ id: ticketId, status: expect.any(String) });
    const messages = await chat('971501234567');
    expect(messages.map((m) => [m.direction, m.type, m.tick])).toEqual([
      ['in', 'text', 'delivered'],
      ['in', 'image', 'delivered'],
      ['in', 'location', 'delivered'],
    ]);
    expect(messages[0].text).toBe('مرحبا، أين طلبي؟');
  });

  it('when the agent replies through the console, then the phone shows the reply with ticks that move to read, and a reaction lands on the ticket', async () => {
    await call('/customers', { name: '王小明', number: '8613800138000' });
    await call('/customers/8613800138000/messages', { type: 'text', text: '你好，我的包裹到了吗？' });
    const { tickets } = await stack.waitForComments('whatsapp:wa:8613800138000', 1);

    const note = await call(`/tickets/${tickets[0].id}/comments`, { body: '客户很着急', public: false });
    expect(note.status).toBe(201);
    expect(note.json.comment).toMatchObject({ public: false, body: '客户很着急' });
    const reply = await call(`/tickets/${tickets[0].id}/comments`, { body: '您好！包裹明天到。', public: true });
    expect(reply.status).toBe(201);

    const delivered = await waitFor(async () => (await chat('8613800138000')).find((m) => m.direction === 'out' && m.tick === 'delivered'), { what: 'the reply delivered on the phone' });
    expect(delivered.text).toBe('您好！包裹明天到。');
    expect((await chat('8613800138000')).filter((m) => m.direction === 'out')).toHaveLength(1); // the note is not sent

    expect((await call('/customers/8613800138000/read', {})).json.marked).toBe(1);
    expect((await chat('8613800138000')).find((m) => m.id === delivered.id)?.tick).toBe('read');
    await waitFor(async () => (await stack.db.selectFrom('outbound_messages').select('state').where('wamid', '=', delivered.id).executeTakeFirst())?.state === 'read', { what: 'the bridge to record the read status' });

    expect((await call('/customers/8613800138000/messages', { type: 'reaction', messageId: delivered.id, emoji: '👍' })).status).toBe(201);
    expect((await chat('8613800138000')).find((m) => m.id === delivered.id)?.reaction).toBe('👍');
    await stack.waitForComments('whatsapp:wa:8613800138000', 3); // text, agent reply, reaction
  });

  it('when time moves 25 hours, then the bridge’s app API says the window is closed and the simulated number’s window is closed too', async () => {
    await call('/customers', { name: 'Ana Souza', number: '5511987654321' });
    await call('/customers/5511987654321/messages', { type: 'text', text: 'Olá!' });
    const user = await waitFor(() => [...stack.zendesk.state.users.values()].find((u) => u.name === 'Ana Souza'), { what: 'the Zendesk user' });
    const ticket = await waitFor(() => [...stack.zendesk.state.tickets.values()].find((t) => t.requester_id === user.id), { what: 'the ticket' });
    expect((await conversation(ticket.id)).window.state).toBe('open');

    const before = Date.parse((await call('/clock')).json.now);
    const moved = await call('/clock/advance', { hours: 25 });
    expect(moved.status).toBe(200);
    expect(moved.json.offsetMs).toBe(25 * 3_600_000);
    expect(Date.parse(moved.json.now) - before).toBeGreaterThanOrEqual(25 * 3_600_000);

    const after = await conversation(ticket.id);
    expect(after.window.state).toBe('closed');
    expect(Date.parse(after.now) - before).toBeGreaterThanOrEqual(25 * 3_600_000);
    expect(stack.whatsapp.outbox.inWindow('5511987654321')).toBe(false);
  });

  it('when the input is wrong, then the answer says what to fix in plain words', async () => {
    const badNumber = await call('/customers', { name: 'Test', number: '0333 12' });
    expect(badNumber.status).toBe(400);
    expect(badNumber.json.error.message).toMatch(/number/);
    const noName = await call('/customers', { name: '  ', number: '+393331234567' });
    expect(noName.json.error.message).toMatch(/name/);
    await call('/customers', { name: 'Giulia', number: '+39 333 123 4567' });
    const twice = await call('/customers', { name: 'Other', number: '393331234567' });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toContain('Giulia');
    const unknown = await call('/customers/15550009999/messages', { type: 'text', text: 'hi' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toMatch(/create them first/);
    const backwards = await call('/clock/advance', { hours: -1 });
    expect(backwards.status).toBe(400);
    expect(backwards.json.error.message).toMatch(/forward/);
    const noTicket = await call('/tickets/999/comments', { body: 'x', public: true });
    expect(noTicket.status).toBe(404);
  });

  it('when a page listens for changes, then a customer message is announced as a server-sent event', async () => {
    await call('/customers', { name: 'Giulia', number: '393331234567' });
    const controller = new AbortController();
    const res = await fetch(`${url}/api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const readUntil = async (count: number) => {
      while ((seen.match(/event: change/g) ?? []).length < count) seen += decoder.decode((await reader.read()).value);
    };
    await readUntil(1); // the first one at connection
    await call('/customers/393331234567/messages', { type: 'text', text: 'ciao' });
    await readUntil(2);
    controller.abort();
    expect((seen.match(/event: change/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it('serves the page and its bundle', async () => {
    const html = await (await fetch(url)).text();
    expect(html).toContain('<div id="root">');
    const js = await fetch(`${url}/console.js`);
    expect(js.status).toBe(200);
    expect(await js.text()).toContain('Customer phone');
  }, 60_000);
  it('when an attachment or a media file is HTML, SVG or XML, then the console makes it a download that cannot script; pictures still show inline', async () => {
    const script = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>parent.alert(document.cookie)</script></svg>');
    const files: Array<[string, string, Buffer]> = [
      ['text/html; charset=utf-8', 'pagina.html', Buffer.from('<script>fetch("/api/customers")</script>')],
      ['image/svg+xml', 'logo 标志.svg', script],
      ['application/xml', 'data.xml', Buffer.from('<?xml version="1.0"?><x/>')],
      ['text/plain\r\nX-Injected: 1', 'odd.txt', Buffer.from('hi')],
    ];
    const check = async (path: string, expectedType: string) => {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(res.headers.get('content-type')).toBe(expectedType);
      expect(res.headers.get('x-injected')).toBeNull();
      return res.headers.get('content-disposition') ?? '';
    };
    for (const [i, [type, name, data]] of files.entries()) {
      const id = 7_000_000 + i;
      stack.zendesk.state.attachments.set(id, { id, token: `t${i}`, file_name: name, content_type: type, size: data.length, data, created_at: new Date().toISOString() });
      const mediaId = stack.whatsapp.addMedia(data, type, { fileName: name });
      const expectedType = type.includes('\r') ? 'application/octet-stream' : type;
      for (const path of [`/api/attachments/${id}`, `/api/media/${mediaId}`]) {
        const disposition = await check(path, expectedType);
        expect(disposition).toMatch(/^attachment; filename="/);
        expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);
      }
    }
    const pictureId = stack.whatsapp.addMedia(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png', { fileName: 'foto.png' });
    expect(await check(`/api/media/${pictureId}`, 'image/png')).toMatch(/^inline; filename="foto\.png"/);
  });
});
