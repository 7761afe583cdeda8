/** `/api/v2/ticket_fields…` (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_fields/): custom ticket fields. */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { badRequest, type FieldError, recordInvalid, recordNotFound } from '../errors';
import { MAX_PAGE_SIZE, paginate } from '../pagination';
import { baseUrlOf, presentTicketField } from '../present';
import { parseBody, ticketFieldBodySchema, type TicketFieldInput } from '../schemas';
import { nextId, type TicketFieldRecord, type ZendeskState } from '../state';
import { idParam } from './request-helpers';

const FIELD_TYPES = ['text', 'textarea', 'checkbox', 'date', 'integer', 'decimal', 'regexp', 'partialcreditcard', 'multiselect', 'tagger', 'lookup'];

type FieldValues = Pick<TicketFieldRecord, 'type' | 'title' | 'description' | 'active' | 'required' | 'position' | 'tag' | 'custom_field_options'>;

function validField(state: ZendeskState, input: TicketFieldInput, base: FieldValues | undefined): FieldValues {
  const type = input.type ?? base?.type ?? '';
  const title = (input.title ?? base?.title ?? '').trim();
  const options = input.custom_field_options ?? base?.custom_field_options ?? [];
  const details: Record<string, FieldError[]> = {};
  // "Type is not editable once created."
  if (base && input.type !== undefined && input.type !== base.type) details.type = [{ description: `Type: cannot be changed from ${base.type} to ${input.type}; create a new field instead`, error: 'InvalidValue' }];
  else if (!FIELD_TYPES.includes(type)) details.type = [{ description: `Type: ${type || '(blank)'} is not valid (${FIELD_TYPES.join(', ')})`, error: 'InvalidValue' }];
  if (!title) details.title = [{ description: 'Title: cannot be blank', error: 'BlankValue' }];
  if ((type === 'tagger' || type === 'multiselect') && !options.length) {
    details.custom_field_options = [{ description: 'Field options: a drop-down field needs at least one option', error: 'BlankValue' }];
  }
  if (Object.keys(details).length) throw recordInvalid(details);
  return {
    type,
    title,
    description: input.description ?? base?.description ?? '',
    active: input.active ?? base?.active ?? true,
    required: input.required ?? base?.required ?? false,
    position: input.position ?? base?.position ?? state.ticketFields.size + 1,
    tag: input.tag !== undefined ? (input.tag ?? null) : (base?.tag ?? null),
    custom_field_options: options.map((o) => ({ name: o.name, value: o.value })),
  };
}

export function ticketFieldRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const { state } = ctx;
  const find = (id: number): TicketFieldRecord => {
    const field = state.ticketFields.get(id);
    if (!field) throw recordNotFound();
    return field;
  };

  // Like Zendesk: cursor pagination with `page[size]` / `page[after]`; otherwise offset
  // pagination (`page`, `per_page`), 100 a page: an account with more fields needs every page.
  router.get('/', (req, res) => {
    const base = baseUrlOf(req);
    const fields = [...state.ticketFields.values()].sort((a, b) => a.id - b.id);
    const cursorAsked = Object.keys(req.query).some((k) => k.startsWith('page[')) || (typeof req.query.page === 'object' && req.query.page !== null);
    if (cursorAsked) {
      const page = paginate(fields, req, 'asc', `${base}/api/v2/ticket_fields`);
      res.json({ ticket_fields: page.items.map((f) => presentTicketField(f, base)), meta: page.meta, links: page.links });
      return;
    }
    const number = req.query.page === undefined ? 1 : Number(req.query.page);
    const perPage = req.query.per_page === undefined ? MAX_PAGE_SIZE : Number(req.query.per_page);
    if (!Number.isInteger(number) || number < 1 || !Number.isInteger(perPage) || perPage < 1) throw badRequest('InvalidPaginationParameter', 'page and per_page must be whole numbers from 1.');
    const size = Math.min(perPage, MAX_PAGE_SIZE);
    const items = fields.slice((number - 1) * size, number * size);
    const link = (n: number) => `${base}/api/v2/ticket_fields.json?page=${n}&per_page=${size}`;
    res.json({ ticket_fields: items.map((f) => presentTicketField(f, base)), next_page: number * size < fields.length ? link(number + 1) : null, previous_page: number > 1 ? link(number - 1) : null, count: fields.length });
  });

  router.post('/', (req, res) => {
    const { ticket_field: input } = parseBody(ticketFieldBodySchema, req.body);
    const now = ctx.isoNow();
    const field: TicketFieldRecord = { id: nextId(state, 'ticketField'), ...validField(state, input, undefined), created_at: now, updated_at: now };
    state.ticketFields.set(field.id, field);
    res.status(201).json({ ticket_field: presentTicketField(field, baseUrlOf(req)) });
  });

  router.get('/:id', (req, res) => {
    res.json({ ticket_field: presentTicketField(find(idParam(req.params.id)), baseUrlOf(req)) });
  });

  router.put('/:id', (req, res) => {
    const field = find(idParam(req.params.id));
    const { ticket_field: input } = parseBody(ticketFieldBodySchema, req.body);
    Object.assign(field, validField(state, input, field), { updated_at: ctx.isoNow() });
    res.json({ ticket_field: presentTicketField(field, baseUrlOf(req)) });
  });

  // Deleting a field deletes its values on every ticket; later writes naming it are ignored.
  router.delete('/:id', (req, res) => {
    const field = find(idParam(req.params.id));
    state.ticketFields.delete(field.id);
    for (const ticket of state.tickets.values()) ticket.custom_fields = ticket.custom_fields.filter((value) => value.id !== field.id);
    res.status(204).end();
  });

  return router;
}
