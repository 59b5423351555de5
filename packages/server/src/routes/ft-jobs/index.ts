import type { FastifyInstance } from 'fastify';
import type { FineTuningService, Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Fine-tuning jobs: create (gated), list, get, cancel, retarget to another provider, timeline. Register among the authenticated routes. */
export function ftJobRoutes(fineTuning: FineTuningService) {
  return async function ftJobs(app: FastifyInstance, _options: { ftm: Ftm }): Promise<void> {
    app.post('/ft-jobs', async (request, reply) => {
      const job = await fineTuning.createFtJob(request.ctx, request.body);
      return reply.code(201).header('location', `/ft-jobs/${job.id}`).send(job);
    });

    app.get('/ft-jobs', async (request) => fineTuning.listFtJobs(request.ctx, request.query));

    app.get('/ft-jobs/:id', async (request) => fineTuning.getFtJob(request.ctx, uuidParam(request.params)));

    app.post('/ft-jobs/:id/cancel', async (request) => fineTuning.cancelFtJob(request.ctx, uuidParam(request.params)));

    app.post('/ft-jobs/:id/retarget', async (request, reply) => {
      const job = await fineTuning.retargetFtJob(request.ctx, uuidParam(request.params), request.body);
      return reply.code(201).header('location', `/ft-jobs/${job.id}`).send(job);
    });

    app.get('/ft-jobs/:id/events', async (request) => fineTuning.listFtJobEvents(request.ctx, uuidParam(request.params), request.query));
  };
}
