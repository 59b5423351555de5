import type { FastifyPluginAsync } from 'fastify';
import type { Evals, Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Inline suites may carry up to 100,000 cases: this route accepts bodies up to 64 MiB. */
export const EVAL_SUITE_BODY_LIMIT = 64 * 1024 * 1024;

/** Eval suites: create, list, get, new versions, cases. */
export function evalSuiteRoutes(evals: Evals): FastifyPluginAsync<{ ftm: Ftm }> {
  return async (app) => {
    app.post('/eval-suites', { bodyLimit: EVAL_SUITE_BODY_LIMIT }, async (request, reply) => {
      const suite = await evals.createSuite(request.ctx, request.body);
      return reply.code(201).header('location', `/eval-suites/${suite.id}`).send(suite);
    });

    app.get('/eval-suites', async (request) => evals.listSuites(request.ctx, request.query));

    app.get('/eval-suites/:id', async (request) => evals.getSuite(request.ctx, uuidParam(request.params)));

    app.post('/eval-suites/:id/versions', { bodyLimit: EVAL_SUITE_BODY_LIMIT }, async (request, reply) => {
      const suite = await evals.createSuiteVersion(request.ctx, uuidParam(request.params), request.body);
      return reply.code(201).header('location', `/eval-suites/${suite.id}`).send(suite);
    });

    app.get('/eval-suites/:id/cases', async (request) => evals.listSuiteCases(request.ctx, uuidParam(request.params), request.query));
  };
}
