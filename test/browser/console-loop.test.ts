/**
 * The whole loop as a new user sees it after `npm start`: the sandbox console (started exactly as
 * `npm start` starts it, in a temporary data folder) in headless Chromium. A customer writes from
 * the phone, the ticket and the real sidebar show it, the agent replies, the ticks turn read, time
 * jumps 25 hours, the reply guard stops a public reply, and a template sent from the sidebar
 * reaches the phone. Every step waits on what is on screen, by role and text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { createLogger } from '../../bridge-server/lib/logger';
import { launchSandbox, type RunningSandbox } from '../../bridge-server/sandbox/start';
import { stopBundler } from '../../bridge-server/sandbox/zaf-host';
import { launchChromium } from './harness';

const CUSTOMER = { name: '王小明 🌻', number: '+86 138 0013 8000', waId: '8613800138000' };

describe('the sandbox console: the whole loop in a browser', () => {
  let dir: string;
  let sandbox: RunningSandbox;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-zd-console-'));
    sandbox = await launchSandbox({
      dataDir: dir,
      port: 0,
      consolePort: 0,
      logger: createLogger('silent'),
      bridge: { worker: { sweepIntervalMs: 200, bulkIntervalMs: 100 }, outbound: { sweepIntervalMs: 100 } },
    });
    const sidebar = await sandbox.console.sidebarReady;
    if (sidebar.state !== 'ready') throw new Error(`The sidebar app is not available to the console: ${JSON.stringify(sidebar)}`);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US', timezoneId: 'Europe/Rome' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    await stopBundler();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a customer writes, the agent replies, time moves past the window, the guard stops a reply and a template reaches the phone', async () => {
    await page.goto(sandbox.consoleUrl);
    const phone = page.getByRole('region', { name: 'Customer phone' });
    const zendesk = page.getByRole('region', { name: 'Simulated Zendesk' });
    const sidebar: FrameLocator = page.getByRole('region', { name: 'Sidebar app' }).frameLocator('iframe[title="WhatsApp for Zendesk sidebar"]');

    // `npm start` put Giulia's sample message on a ticket.
    await zendesk.getByRole('list', { name: 'Tickets' }).getByRole('button', { name: /Giulia Rossi/ }).waitFor();

    // A new customer writes from the phone.
    await phone.getByLabel('Customer name').fill(CUSTOMER.name);
    await phone.getByLabel('WhatsApp number').fill(CUSTOMER.number);
    await phone.getByRole('button', { name: 'Add customer' }).click();
    const chat = phone.getByRole('list', { name: `Chat with ${CUSTOMER.name}` });
    await chat.waitFor();
    await phone.getByRole('textbox', { name: 'Message', exact: true }).fill('你好！我的订单还没到 📦');
    await phone.getByRole('button', { name: 'Send', exact: true }).click();
    await chat.getByRole('listitem', { name: 'Customer message' }).filter({ hasText: '你好！我的订单还没到 📦' }).waitFor();

    // The ticket list shows the new ticket; its conversation shows the customer's comment.
    const ticketButton = zendesk.getByRole('list', { name: 'Tickets' }).getByRole('button', { name: new RegExp(escape(CUSTOMER.name)) });
    await ticketButton.click();
    const ticketId = Number(/#(\d+)/.exec(await ticketButton.innerText())?.[1]);
    const conversation = zendesk.getByRole('list', { name: `Ticket #${ticketId} conversation` });
    await conversation.getByRole('listitem', { name: `Public comment by ${CUSTOMER.name}` }).filter({ hasText: '你好！我的订单还没到 📦' }).waitFor();

    // The real sidebar, beside the ticket: the customer and the open window.
    await sidebar.getByRole('heading', { name: CUSTOMER.name }).waitFor();
    await sidebar.getByRole('timer').filter({ hasText: /left to reply freely/ }).waitFor();
    expect(await sidebar.locator('[aria-labelledby="window-clock-title"]').getAttribute('data-state')).toBe('open');

    // The agent replies in public; the phone shows the reply, and its ticks turn read when the customer reads it.
    await zendesk.getByRole('radio', { name: 'Public reply' }).check();
    await zendesk.getByLabel('Reply', { exact: true }).fill('您好！您的订单明天送达 🚚');
    await zendesk.getByRole('button', { name: 'Submit' }).click();
    await conversation.getByRole('listitem', { name: /^Public comment by / }).filter({ hasText: '您好！您的订单明天送达 🚚' }).waitFor();
    const reply = chat.getByRole('listitem', { name: 'Business message' }).filter({ hasText: '您好！您的订单明天送达 🚚' });
    await reply.locator('[data-tick="delivered"], [data-tick="sent"]').waitFor();
    await phone.getByRole('button', { name: 'Mark as read' }).click();
    await reply.getByLabel('read', { exact: true }).waitFor();
    expect(await reply.locator('[data-tick]').getAttribute('data-tick')).toBe('read');

    // 25 hours later the window is closed, in the sidebar and for the reply guard.
    await page.getByRole('button', { name: '+25 hours' }).click();
    await page.getByRole('status', { name: 'Simulated time' }).filter({ hasText: '+25 h ahead of real time' }).waitFor();
    await sidebar.getByRole('timer').filter({ hasText: /Closed since/ }).waitFor();
    expect(await sidebar.locator('[aria-labelledby="window-clock-title"]').getAttribute('data-state')).toBe('closed');

    await zendesk.getByLabel('Reply', { exact: true }).fill('还在吗？');
    await zendesk.getByRole('button', { name: 'Submit' }).click();
    await zendesk.getByRole('alert').filter({ hasText: 'the 24-hour window is closed' }).waitFor();
    expect(await conversation.getByText('还在吗？').count()).toBe(0);
    const sentBefore = sandbox.stack.whatsapp.outbox.sent.length;

    // An internal note still goes through (and never reaches the phone).
    await zendesk.getByRole('radio', { name: 'Internal note' }).check();
    await zendesk.getByLabel('Reply', { exact: true }).fill('Customer silent for 25 h: sending the order template');
    await zendesk.getByRole('button', { name: 'Submit' }).click();
    await conversation.getByRole('listitem', { name: /^Internal note by / }).filter({ hasText: 'Customer silent for 25 h' }).waitFor();
    expect(await zendesk.getByRole('alert').count()).toBe(0);

    // The agent sends a template from the sidebar: pick, fill, confirm, send.
    const picker = sidebar.getByRole('region', { name: 'Send a template' });
    await picker.getByLabel('Search templates').fill('order');
    await picker.getByLabel('Language').selectOption('en_US');
    await picker.getByRole('list', { name: 'Templates' }).getByRole('button', { name: /order_update/ }).click();
    await picker.getByRole('textbox', { name: '{{1}} in the header', exact: true }).fill('#1042');
    await picker.getByRole('button', { name: `Fill {{1}} in the message with ${CUSTOMER.name} (requester name)` }).click();
    await picker.getByRole('textbox', { name: '{{2}} in the message', exact: true }).fill('#1042');
    await picker.getByRole('textbox', { name: '{{3}} in the message', exact: true }).fill('Friday 明天');
    await picker.getByRole('textbox', { name: 'End of the link of the “Track order” button', exact: true }).fill('1042');
    await picker.getByRole('button', { name: 'Review and send' }).click();
    const confirmation = picker.getByRole('alertdialog');
    await confirmation.filter({ hasText: `Send “order_update”` }).waitFor();
    await confirmation.getByRole('button', { name: 'Send', exact: true }).click();
    await picker.getByRole('status').filter({ hasText: 'Template sent' }).waitFor();

    // The phone shows the template with the values filled in, once.
    const template = chat.getByRole('listitem', { name: 'Business message' }).filter({ hasText: `Hi ${CUSTOMER.name}, your order #1042 has shipped and should arrive on Friday 明天.` });
    await template.waitFor();
    expect(await template.innerText()).toContain('Order #1042');
    expect(sandbox.stack.whatsapp.outbox.sent.length).toBe(sentBefore + 1);
    // And the ticket keeps a public copy of what was sent.
    await conversation.getByRole('listitem', { name: /^Public comment by / }).filter({ hasText: 'order_update' }).waitFor();
  }, 60_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
