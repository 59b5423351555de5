import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Promotions: create (every gate recorded; the decision is data, so always 201), list, get, roll back. */
export async function promotionsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/promotions', async (request, reply) => {
    const promotion = await ftm.promotions.createPromotion(request.ctx, request.body);
    return reply.code(201).header('location', `/promotions/${promotion.id}`).send(promotion);
  });

  app.get('/promotions', async (request) => ftm.promotions.listPromotions(request.ctx, request.query));

  app.get('/promotions/:id', async (request) => ftm.promotions.getPromotion(request.ctx, uuidParam(request.params)));

  app.post('/promotions/:id/rollback', async (request) => ftm.promotions.rollbackPromotion(request.ctx, uuidParam(request.params), request.body));
}
