import type { FastifyInstance, FastifyReply } from 'fastify';
import { etagMatches, NotFoundError, type Ftm, type Resolution } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/**
 * Production pointers: list, get, history, the admin override, and the hot path `resolve`, which
 * answers from the in-process cache with a strong ETag (304 on If-None-Match).
 */
export async function productionPointersRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.get('/production-pointers', async (request) => ftm.promotions.listPointers(request.ctx, request.query));

  // Not async: a cached answer is sent without a promise; a miss reads the database first.
  app.get('/production-pointers/resolve', (request, reply) => {
    const send = (resolution: Resolution | null): FastifyReply => {
      if (!resolution) throw new NotFoundError('production_pointer for this assistant, project or global');
      reply.header('etag', resolution.etag).header('cache-control', 'no-cache');
      if (etagMatches(request.headers['if-none-match'], resolution.etag)) return reply.code(304).send();
      // Serialised once when cached: the hot path only writes bytes.
      return reply.type('application/json; charset=utf-8').send(resolution.json);
    };
    const cached = ftm.promotions.resolveCached(request.ctx, request.query);
    return cached === undefined ? ftm.promotions.resolve(request.ctx, request.query).then(send) : send(cached);
  });

  app.get('/production-pointers/:id', async (request) => ftm.promotions.getPointer(request.ctx, uuidParam(request.params)));

  app.patch('/production-pointers/:id', async (request) => ftm.promotions.overridePointer(request.ctx, uuidParam(request.params), request.body));

  app.get('/production-pointers/:id/history', async (request) => ftm.promotions.listPointerHistory(request.ctx, uuidParam(request.params), request.query));
}
