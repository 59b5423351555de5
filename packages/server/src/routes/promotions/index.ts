import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Ftm, PromotionsService } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Promotions: create (every gate recorded; the decision is data, so always 201), list, get, roll back. */
export function promotionRoutes(promotions: PromotionsService): FastifyPluginAsync<{ ftm: Ftm }> {
  return async (app: FastifyInstance) => {
    app.post('/promotions', async (request, reply) => {
      const promotion = await promotions.createPromotion(request.ctx, request.body);
      return reply.code(201).header('location', `/promotions/${promotion.id}`).send(promotion);
    });

    app.get('/promotions', async (request) => promotions.listPromotions(request.ctx, request.query));

    app.get('/promotions/:id', async (request) => promotions.getPromotion(request.ctx, uuidParam(request.params)));

    app.post('/promotions/:id/rollback', async (request) => promotions.rollbackPromotion(request.ctx, uuidParam(request.params), request.body));
  };
}
