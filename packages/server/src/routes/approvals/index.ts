import type { FastifyInstance } from 'fastify';
import type { FineTuningService, Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Local cost approvals: list, get, and admin decisions. Register among the authenticated routes. */
export function approvalRoutes(fineTuning: FineTuningService) {
  return async function approvals(app: FastifyInstance, _options: { ftm: Ftm }): Promise<void> {
    app.get('/approvals', async (request) => fineTuning.listApprovals(request.ctx, request.query));

    app.get('/approvals/:id', async (request) => fineTuning.getApproval(request.ctx, uuidParam(request.params)));

    app.post('/approvals/:id/approve', async (request) => fineTuning.approveApproval(request.ctx, uuidParam(request.params), request.body ?? {}));

    app.post('/approvals/:id/reject', async (request) => fineTuning.rejectApproval(request.ctx, uuidParam(request.params), request.body ?? {}));
  };
}
