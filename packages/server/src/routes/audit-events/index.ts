import type { FastifyInstance } from 'fastify';
import { getAuditEvent, listAuditEvents, type Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** The audit trail: list with filters and pagination, get one. */
export async function auditEventsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.get('/audit-events', async (request) => listAuditEvents(ftm.database.db, request.ctx, request.query));

  app.get('/audit-events/:id', async (request) => getAuditEvent(ftm.database.db, request.ctx, uuidParam(request.params)));
}
