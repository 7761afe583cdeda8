/**
 * The console's JSON API (`/api/…`): thin routes over the phone, the simulated Zendesk and the
 * clock. Every body and parameter is checked with zod; errors go to `consoleErrorHandler`.
 */
import express, { Router, type Request, type Response } from 'express';
import type { AdjustableClock } from '../../lib/clock';
import type { Stack } from '../stack';
import { ConsoleError } from './errors';
import { sendStoredFile } from './file-response';
import { chatOf, createCustomer, listCustomers, markRead, requireCustomer, sendAsCustomer, ticketsOf, type PhoneDeps } from './phone';
import { agentCommentBody, clockAdvanceBody, customerMessageBody, newCustomerBody, ticketIdParam, ticketStatusBody, waIdParam } from './schemas';
import { listTickets, ticketDetail } from './zendesk-view';

export interface ConsoleRouteDeps {
  stack: Stack;
  clock: AdjustableClock;
  /** Tells live pages (and the snapshots) that something changed. */
  changed(): void;
}

export function clockView(clock: AdjustableClock) {
  return { now: new Date(clock.now()).toISOString(), offsetMs: clock.offset };
}

export function consoleRoutes(deps: ConsoleRouteDeps): Router {
  const { stack, clock } = deps;
  const phone: PhoneDeps = { whatsapp: stack.whatsapp, zendesk: stack.zendesk, clock, webhookUrl: () => stack.webhookUrl, changed: deps.changed };
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  // The clock -------------------------------------------------------------------------------
  router.get('/clock', (_req, res) => res.json(clockView(clock)));
  router.post('/clock/advance', (req, res) => {
    const body = clockAdvanceBody.parse(req.body);
    clock.advance(((body.hours ?? 0) * 60 + (body.minutes ?? 0)) * 60_000);
    deps.changed();
    res.json(clockView(clock));
  });

  // The phone ---------------------------------------------------------------------------------
  router.get('/customers', (_req, res) => res.json({ customers: listCustomers(phone) }));
  router.post('/customers', (req, res) => {
    const customer = createCustomer(phone, newCustomerBody.parse(req.body));
    res.status(201).json({ customer });
  });
  router.get('/customers/:waId/chat', (req, res) => {
    const waId = waIdParam.parse(req.params.waId);
    const customer = requireCustomer(phone, waId);
    res.json({ customer, ticketIds: ticketsOf(stack.zendesk, waId), messages: chatOf(phone, waId) });
  });
  router.post('/customers/:waId/messages', async (req, res) => {
    const waId = waIdParam.parse(req.params.waId);
    const message = await sendAsCustomer(phone, waId, customerMessageBody.parse(req.body));
    if (message.delivery === 'failed') throw new ConsoleError(502, message.error ?? 'The bridge did not take the message.');
    res.status(201).json({ message });
  });
  router.post('/customers/:waId/read', async (req, res) => {
    res.json(await markRead(phone, waIdParam.parse(req.params.waId)));
  });
  router.get('/media/:id', (req: Request, res: Response) => {
    const id = String(req.params.id);
    const media = stack.whatsapp.state.media.get(id);
    const upload = stack.whatsapp.outbox.uploads.get(id);
    const file = media ? { bytes: media.bytes, mimeType: media.mimeType, fileName: media.fileName ?? id } : upload ? { bytes: upload.bytes, mimeType: upload.mimeType, fileName: upload.fileName } : null;
    if (!file) throw new ConsoleError(404, `No WhatsApp media has the id ${id}.`);
    sendStoredFile(res, file);
  });

  // The simulated Zendesk ---------------------------------------------------------------------
  router.get('/tickets', (_req, res) => res.json({ tickets: listTickets(stack.zendesk) }));
  router.get('/tickets/:id', (req, res) => res.json({ ticket: ticketDetail(stack.zendesk, ticketIdParam.parse(req.params.id)) }));
  router.post('/tickets/:id/comments', (req, res) => {
    const id = ticketIdParam.parse(req.params.id);
    ticketDetail(stack.zendesk, id); // 404 in plain words for an unknown ticket
    const body = agentCommentBody.parse(req.body);
    // As an agent in Zendesk: the update fires the triggers, so a public reply reaches the bridge's webhook.
    const comment = stack.zendesk.addAgentComment(id, { body: body.body, public: body.public });
    deps.changed();
    res.status(201).json({ comment: ticketDetail(stack.zendesk, id).comments.find((c) => c.id === comment.id) });
  });
  router.post('/tickets/:id/status', (req, res) => {
    const id = ticketIdParam.parse(req.params.id);
    ticketDetail(stack.zendesk, id);
    stack.zendesk.setTicketStatus(id, ticketStatusBody.parse(req.body).status);
    deps.changed();
    res.json({ ticket: ticketDetail(stack.zendesk, id) });
  });
  router.get('/attachments/:id', (req, res) => {
    const id = ticketIdParam.parse(req.params.id);
    const attachment = stack.zendesk.state.attachments.get(id);
    if (!attachment) throw new ConsoleError(404, `The simulated Zendesk has no attachment ${id}.`);
    sendStoredFile(res, { bytes: attachment.data, mimeType: attachment.content_type, fileName: attachment.file_name });
  });

  router.use((req) => {
    throw new ConsoleError(404, `The console has no ${req.method} /api${req.path}.`);
  });
  return router;
}
