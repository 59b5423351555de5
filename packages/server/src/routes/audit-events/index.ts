import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** The audit trail: list with filters and pagination, get one. */
export async function auditEventsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.get('/audit-events', async (request) => ftm.audit.listEvents(request.ctx, request.query));

  app.get('/audit-events/:id', async (request) => ftm.audit.getEvent(request.ctx, uuidParam(request.params)));
}
