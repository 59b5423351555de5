import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Monitoring re-evals: schedule, list, get (with recent runs), pause, resume. */
export async function reEvalsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/monitoring/re-evals', async (request, reply) => {
    const reEval = await ftm.promotions.createReEval(request.ctx, request.body);
    return reply.code(201).header('location', `/monitoring/re-evals/${reEval.id}`).send(reEval);
  });

  app.get('/monitoring/re-evals', async (request) => ftm.promotions.listReEvals(request.ctx, request.query));

  app.get('/monitoring/re-evals/:id', async (request) => ftm.promotions.getReEval(request.ctx, uuidParam(request.params)));

  app.post('/monitoring/re-evals/:id/pause', async (request) => ftm.promotions.pauseReEval(request.ctx, uuidParam(request.params)));

  app.post('/monitoring/re-evals/:id/resume', async (request) => ftm.promotions.resumeReEval(request.ctx, uuidParam(request.params)));
}
