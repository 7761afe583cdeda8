/** `/api/v2/users…`: thin adapters over `domain/users.ts`. */
import { Router } from 'express';
import { callerOf } from '../auth';
import type { SandboxContext } from '../context';
import {
  addIdentity,
  createOrUpdateUser,
  findUserByExternalId,
  getUser,
  identitiesOf,
  searchUsers,
  updateUser,
} from '../domain/users';
import { badRequest } from '../errors';
import { baseUrlOf, presentIdentity, presentUser } from '../present';
import { identityBodySchema, parseBody, userBodySchema } from '../schemas';
import { idParam, queryString } from './request-helpers';

export function userRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const { state } = ctx;

  router.post('/create_or_update', (req, res) => {
    const { user: input } = parseBody(userBodySchema, req.body);
    const { user, created } = createOrUpdateUser(ctx, input);
    res.status(created ? 201 : 200).json({ user: presentUser(user, baseUrlOf(req)) });
  });

  router.get('/me', (req, res) => {
    res.json({ user: presentUser(getUser(state, callerOf(res).userId), baseUrlOf(req)) });
  });

  router.get('/search', (req, res) => {
    const externalId = queryString(req, 'external_id');
    const query = queryString(req, 'query');
    let users;
    if (externalId !== undefined) {
      const user = findUserByExternalId(state, externalId);
      users = user ? [user] : [];
    } else if (query !== undefined) {
      users = searchUsers(state, query);
    } else {
      throw badRequest('InvalidParameter', 'User search needs a `query` or an `external_id` parameter.');
    }
    const base = baseUrlOf(req);
    res.json({ users: users.map((user) => presentUser(user, base)), next_page: null, previous_page: null, count: users.length });
  });

  router.get('/:id', (req, res) => {
    res.json({ user: presentUser(getUser(state, idParam(req.params.id)), baseUrlOf(req)) });
  });

  router.put('/:id', (req, res) => {
    const user = getUser(state, idParam(req.params.id));
    const { user: input } = parseBody(userBodySchema, req.body);
    res.json({ user: presentUser(updateUser(ctx, user, input), baseUrlOf(req)) });
  });

  router.get('/:id/identities', (req, res) => {
    const user = getUser(state, idParam(req.params.id));
    const identities = identitiesOf(state, user.id);
    const base = baseUrlOf(req);
    res.json({ identities: identities.map((identity) => presentIdentity(identity, base)), next_page: null, previous_page: null, count: identities.length });
  });

  router.post('/:id/identities', (req, res) => {
    const userId = idParam(req.params.id);
    const { identity: input } = parseBody(identityBodySchema, req.body);
    const identity = addIdentity(ctx, userId, input.type, input.value);
    res.status(201).json({ identity: presentIdentity(identity, baseUrlOf(req)) });
  });

  return router;
}
