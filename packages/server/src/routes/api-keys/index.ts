import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** API key management (admin only; enforced by the use cases). */
export async function apiKeysRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/api-keys', { config: { secretOnce: true } }, async (request, reply) => {
    const key = await ftm.auth.createApiKey(request.ctx, request.body);
    // The body carries the only copy of the secret: no cache may keep it.
    return reply.code(201).header('cache-control', 'no-store').send(key);
  });

  app.get('/api-keys', async (request) => ftm.auth.listApiKeys(request.ctx, request.query));

  app.post('/api-keys/:id/revoke', async (request) => ftm.auth.revokeApiKey(request.ctx, uuidParam(request.params)));
}
