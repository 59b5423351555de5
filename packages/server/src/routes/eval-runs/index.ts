import type { FastifyPluginAsync } from 'fastify';
import type { Evals, Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Eval runs: start (queued), list, get, cancel, per-case results, comparison with a baseline. */
export function evalRunRoutes(evals: Evals): FastifyPluginAsync<{ ftm: Ftm }> {
  return async (app) => {
    app.post('/eval-runs', async (request, reply) => {
      const run = await evals.createRun(request.ctx, request.body);
      return reply.code(201).header('location', `/eval-runs/${run.id}`).send(run);
    });

    app.get('/eval-runs', async (request) => evals.listRuns(request.ctx, request.query));

    app.get('/eval-runs/:id', async (request) => evals.getRun(request.ctx, uuidParam(request.params)));

    app.post('/eval-runs/:id/cancel', async (request) => evals.cancelRun(request.ctx, uuidParam(request.params)));

    app.get('/eval-runs/:id/results', async (request) => evals.listRunResults(request.ctx, uuidParam(request.params), request.query));

    app.get('/eval-runs/:id/compare', async (request) => evals.compareRuns(request.ctx, uuidParam(request.params), request.query));
  };
}
