import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Inline suites may carry up to 100,000 cases: this route accepts bodies up to 64 MiB. */
export const EVAL_SUITE_BODY_LIMIT = 64 * 1024 * 1024;

/** Eval suites: create, list, get, new versions, cases. */
export async function evalSuitesRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/eval-suites', { bodyLimit: EVAL_SUITE_BODY_LIMIT }, async (request, reply) => {
    const suite = await ftm.evals.createSuite(request.ctx, request.body);
    return reply.code(201).header('location', `/eval-suites/${suite.id}`).send(suite);
  });

  app.get('/eval-suites', async (request) => ftm.evals.listSuites(request.ctx, request.query));

  app.get('/eval-suites/:id', async (request) => ftm.evals.getSuite(request.ctx, uuidParam(request.params)));

  app.post('/eval-suites/:id/versions', { bodyLimit: EVAL_SUITE_BODY_LIMIT }, async (request, reply) => {
    const suite = await ftm.evals.createSuiteVersion(request.ctx, uuidParam(request.params), request.body);
    return reply.code(201).header('location', `/eval-suites/${suite.id}`).send(suite);
  });

  app.get('/eval-suites/:id/cases', async (request) => ftm.evals.listSuiteCases(request.ctx, uuidParam(request.params), request.query));
}
