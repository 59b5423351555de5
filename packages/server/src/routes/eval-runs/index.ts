import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Eval runs: start (queued), list, get, cancel, per-case results, comparison with a baseline. */
export async function evalRunsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/eval-runs', async (request, reply) => {
    const run = await ftm.evals.createRun(request.ctx, request.body);
    return reply.code(201).header('location', `/eval-runs/${run.id}`).send(run);
  });

  app.get('/eval-runs', async (request) => ftm.evals.listRuns(request.ctx, request.query));

  app.get('/eval-runs/:id', async (request) => ftm.evals.getRun(request.ctx, uuidParam(request.params)));

  app.post('/eval-runs/:id/cancel', async (request) => ftm.evals.cancelRun(request.ctx, uuidParam(request.params)));

  app.get('/eval-runs/:id/results', async (request) => ftm.evals.listRunResults(request.ctx, uuidParam(request.params), request.query));

  app.get('/eval-runs/:id/compare', async (request) => ftm.evals.compareRuns(request.ctx, uuidParam(request.params), request.query));
}
