/**
 * `/api/v2/triggers…` (https://developer.zendesk.com/api-reference/ticketing/business-rules/triggers/):
 * stored only; the sandbox does not fire them yet. A `notification_webhook` action must name
 * a webhook connected to triggers (`conditional_ticket_events`).
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { type FieldError, recordInvalid, recordNotFound } from '../errors';
import { baseUrlOf, presentTrigger } from '../present';
import { parseBody, triggerBodySchema, type TriggerInput } from '../schemas';
import { nextId, type TriggerRecord, type ZendeskState } from '../state';
import { idParam } from './request-helpers';
import { TRIGGER_SUBSCRIPTION } from './webhooks';

type TriggerFields = Pick<TriggerRecord, 'title' | 'description' | 'active' | 'position' | 'conditions' | 'actions' | 'category_id'>;

function validTrigger(state: ZendeskState, input: TriggerInput, base: TriggerFields | undefined): TriggerFields {
  const title = (input.title ?? base?.title ?? '').trim();
  const actions = input.actions ?? base?.actions ?? [];
  const details: Record<string, FieldError[]> = {};
  if (!title) details.title = [{ description: 'Title: cannot be blank', error: 'BlankValue' }];
  if (!actions.length) details.actions = [{ description: 'Actions: cannot be blank', error: 'BlankValue' }];
  for (const action of actions) {
    if (action.field !== 'notification_webhook') continue;
    const webhookId = Array.isArray(action.value) ? String(action.value[0]) : undefined;
    const webhook = webhookId ? state.webhooks.get(webhookId) : undefined;
    if (!webhook) {
      (details.actions ??= []).push({ description: `Actions: webhook ${webhookId ?? '(none)'} does not exist`, error: 'InvalidValue' });
    } else if (!webhook.subscriptions.includes(TRIGGER_SUBSCRIPTION)) {
      (details.actions ??= []).push({
        description: `Actions: webhook ${webhookId} is connected to event subscriptions; a trigger needs a webhook subscribed to "${TRIGGER_SUBSCRIPTION}"`,
        error: 'InvalidValue',
      });
    }
  }
  if (Object.keys(details).length) throw recordInvalid(details);
  return {
    title,
    description: input.description !== undefined ? (input.description ?? null) : (base?.description ?? null),
    active: input.active ?? base?.active ?? true,
    position: input.position ?? base?.position ?? state.triggers.size + 1,
    conditions: {
      all: input.conditions?.all ?? base?.conditions.all ?? [],
      any: input.conditions?.any ?? base?.conditions.any ?? [],
    },
    actions: actions.map((action) => ({ ...action, value: action.value ?? null })),
    category_id: input.category_id !== undefined ? (input.category_id ?? null) : (base?.category_id ?? null),
  };
}

export function triggerRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const { state } = ctx;
  const find = (id: number): TriggerRecord => {
    const trigger = state.triggers.get(id);
    if (!trigger) throw recordNotFound();
    return trigger;
  };

  router.get('/', (req, res) => {
    const base = baseUrlOf(req);
    const triggers = [...state.triggers.values()].sort((a, b) => a.position - b.position);
    res.json({ triggers: triggers.map((t) => presentTrigger(t, base)), next_page: null, previous_page: null, count: triggers.length });
  });

  router.post('/', (req, res) => {
    const { trigger: input } = parseBody(triggerBodySchema, req.body);
    const now = ctx.isoNow();
    const trigger: TriggerRecord = { id: nextId(state, 'trigger'), ...validTrigger(state, input, undefined), created_at: now, updated_at: now };
    state.triggers.set(trigger.id, trigger);
    res.status(201).json({ trigger: presentTrigger(trigger, baseUrlOf(req)) });
  });

  router.get('/:id', (req, res) => {
    res.json({ trigger: presentTrigger(find(idParam(req.params.id)), baseUrlOf(req)) });
  });

  router.put('/:id', (req, res) => {
    const trigger = find(idParam(req.params.id));
    const { trigger: input } = parseBody(triggerBodySchema, req.body);
    Object.assign(trigger, validTrigger(state, input, trigger), { updated_at: ctx.isoNow() });
    res.json({ trigger: presentTrigger(trigger, baseUrlOf(req)) });
  });

  router.delete('/:id', (req, res) => {
    const trigger = find(idParam(req.params.id));
    state.triggers.delete(trigger.id);
    res.status(204).end();
  });

  return router;
}
