import type { FastifyInstance } from 'fastify';
import type { Ftm, WebhookService } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Webhook deliveries: list, get with attempts, redeliver one, replay dead letters since a time. */
export function webhookDeliveryRoutes(webhooks: WebhookService) {
  return async function webhookDeliveries(app: FastifyInstance, _options: { ftm: Ftm }): Promise<void> {
    app.get('/webhooks/deliveries', async (request) => webhooks.listDeliveries(request.ctx, request.query));

    app.post('/webhooks/deliveries/replay', async (request) => webhooks.replayDeadLetters(request.ctx, request.body));

    app.get('/webhooks/deliveries/:id', async (request) => webhooks.getDelivery(request.ctx, uuidParam(request.params)));

    app.post('/webhooks/deliveries/:id/redeliver', async (request) => webhooks.redeliver(request.ctx, uuidParam(request.params)));
  };
}
