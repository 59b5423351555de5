import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';

/** Projects of the caller's tenant. */
export async function projectsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/projects', async (request, reply) => reply.code(201).send(await ftm.auth.createProject(request.ctx, request.body)));

  app.get('/projects', async (request) => ftm.auth.listProjects(request.ctx, request.query));
}
