import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Local cost approvals: list, get, and admin decisions. Register among the authenticated routes. */
export async function approvalsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.get('/approvals', async (request) => ftm.fineTuning.listApprovals(request.ctx, request.query));

  app.get('/approvals/:id', async (request) => ftm.fineTuning.getApproval(request.ctx, uuidParam(request.params)));

  app.post('/approvals/:id/approve', async (request) => ftm.fineTuning.approveApproval(request.ctx, uuidParam(request.params), request.body ?? {}));

  app.post('/approvals/:id/reject', async (request) => ftm.fineTuning.rejectApproval(request.ctx, uuidParam(request.params), request.body ?? {}));
}
