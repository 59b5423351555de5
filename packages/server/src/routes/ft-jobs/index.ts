import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Fine-tuning jobs: create (gated), list, get, cancel, retarget to another provider, timeline. Register among the authenticated routes. */
export async function ftJobsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/ft-jobs', async (request, reply) => {
    const job = await ftm.fineTuning.createFtJob(request.ctx, request.body);
    return reply.code(201).header('location', `/ft-jobs/${job.id}`).send(job);
  });

  app.get('/ft-jobs', async (request) => ftm.fineTuning.listFtJobs(request.ctx, request.query));

  app.get('/ft-jobs/:id', async (request) => ftm.fineTuning.getFtJob(request.ctx, uuidParam(request.params)));

  app.post('/ft-jobs/:id/cancel', async (request) => ftm.fineTuning.cancelFtJob(request.ctx, uuidParam(request.params)));

  app.post('/ft-jobs/:id/retarget', async (request, reply) => {
    const job = await ftm.fineTuning.retargetFtJob(request.ctx, uuidParam(request.params), request.body);
    return reply.code(201).header('location', `/ft-jobs/${job.id}`).send(job);
  });

  app.get('/ft-jobs/:id/events', async (request) => ftm.fineTuning.listFtJobEvents(request.ctx, uuidParam(request.params), request.query));
}
