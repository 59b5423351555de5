import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';

/** The model registry: register, list, get, approve, retire. */
export async function modelVersionsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/model-versions', async (request, reply) => {
    const version = await ftm.registry.createModelVersion(request.ctx, request.body);
    return reply.code(201).header('location', `/model-versions/${version.id}`).send(version);
  });

  app.get('/model-versions', async (request) => ftm.registry.listModelVersions(request.ctx, request.query));

  app.get('/model-versions/:id', async (request) => ftm.registry.getModelVersion(request.ctx, uuidParam(request.params)));

  app.post('/model-versions/:id/approve', async (request) => ftm.registry.approveModelVersion(request.ctx, uuidParam(request.params)));

  app.post('/model-versions/:id/retire', async (request) => ftm.registry.retireModelVersion(request.ctx, uuidParam(request.params)));
}
