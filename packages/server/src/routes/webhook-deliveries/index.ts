import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Webhook deliveries: list, get with attempts, redeliver one, replay dead letters since a time. */
export async function webhookDeliveriesRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.get('/webhooks/deliveries', async (request) => ftm.webhooks.listDeliveries(request.ctx, request.query));

  app.post('/webhooks/deliveries/replay', async (request) => ftm.webhooks.replayDeadLetters(request.ctx, request.body));

  app.get('/webhooks/deliveries/:id', async (request) => ftm.webhooks.getDelivery(request.ctx, uuidParam(request.params)));

  app.post('/webhooks/deliveries/:id/redeliver', async (request) => ftm.webhooks.redeliver(request.ctx, uuidParam(request.params)));
}
