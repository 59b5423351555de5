import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Ftm, PromotionsService } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Monitoring re-evals: schedule, list, get (with recent runs), pause, resume. */
export function reEvalRoutes(promotions: PromotionsService): FastifyPluginAsync<{ ftm: Ftm }> {
  return async (app: FastifyInstance) => {
    app.post('/monitoring/re-evals', async (request, reply) => {
      const reEval = await promotions.createReEval(request.ctx, request.body);
      return reply.code(201).header('location', `/monitoring/re-evals/${reEval.id}`).send(reEval);
    });

    app.get('/monitoring/re-evals', async (request) => promotions.listReEvals(request.ctx, request.query));

    app.get('/monitoring/re-evals/:id', async (request) => promotions.getReEval(request.ctx, uuidParam(request.params)));

    app.post('/monitoring/re-evals/:id/pause', async (request) => promotions.pauseReEval(request.ctx, uuidParam(request.params)));

    app.post('/monitoring/re-evals/:id/resume', async (request) => promotions.resumeReEval(request.ctx, uuidParam(request.params)));
  };
}
