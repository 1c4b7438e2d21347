/**
 * /api/v1 routes of the permissions feature: a user's grants (read / replace / grant one /
 * revoke one), role and activation changes, and the actor's own form choices. Admin-only rules
 * live in the domain (PermissionService, UserService); these handlers only translate HTTP.
 */
import type { Request, Router } from 'express';
import type { Services } from '../../../domain/services.js';
import { parseId, type Input } from '../../../domain/validation.js';
import { actorOf } from '../auth.js';
import { idParam } from './router.js';

const body = (req: Request): Input => (req.body && typeof req.body === 'object' ? (req.body as Input) : {});

export function mountPermissionRoutes(router: Router, services: Services): void {
  const { permissions, users } = services;

  router.get('/choices', async (req, res) => {
    res.json(await permissions.choices(actorOf(req)));
  });
  router.patch('/users/:id', async (req, res) => {
    res.json(await users.update(actorOf(req), idParam(req), body(req)));
  });
  router.get('/users/:id/permissions', async (req, res) => {
    res.json(await permissions.grantsOf(actorOf(req), idParam(req)));
  });
  router.put('/users/:id/permissions', async (req, res) => {
    res.json(await permissions.setGrants(actorOf(req), idParam(req), body(req)));
  });
  router.post('/users/:id/permissions', async (req, res) => {
    res.status(201).json(await permissions.grant(actorOf(req), idParam(req), body(req)));
  });
  // One grant is named in the query (?resourceType=source&resourceId=3).
  router.delete('/users/:id/permissions', async (req, res) => {
    await permissions.revoke(actorOf(req), idParam(req), String(req.query.resourceType ?? ''), parseId(req.query.resourceId) ?? 0);
    res.status(204).end();
  });
}
