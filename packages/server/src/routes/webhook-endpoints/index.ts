import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** Webhook endpoints: register (secret shown once), list, get, update, delete, rotate the secret. */
export async function webhookEndpointsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/webhook-endpoints', async (request, reply) => {
    const endpoint = await ftm.webhooks.createEndpoint(request.ctx, request.body);
    return reply.code(201).header('location', `/webhook-endpoints/${endpoint.id}`).header('cache-control', 'no-store').send(endpoint);
  });

  app.get('/webhook-endpoints', async (request) => ftm.webhooks.listEndpoints(request.ctx, request.query));

  app.get('/webhook-endpoints/:id', async (request) => ftm.webhooks.getEndpoint(request.ctx, uuidParam(request.params)));

  app.patch('/webhook-endpoints/:id', async (request) => ftm.webhooks.updateEndpoint(request.ctx, uuidParam(request.params), request.body));

  app.delete('/webhook-endpoints/:id', async (request, reply) => {
    await ftm.webhooks.deleteEndpoint(request.ctx, uuidParam(request.params));
    return reply.code(204).send();
  });

  app.post('/webhook-endpoints/:id/rotate-secret', async (request, reply) => {
    const endpoint = await ftm.webhooks.rotateEndpointSecret(request.ctx, uuidParam(request.params), request.body ?? {});
    return reply.header('cache-control', 'no-store').send(endpoint);
  });
}
