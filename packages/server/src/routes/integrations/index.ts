import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';

/**
 * Credentials of the systems datasets read from: the Langfuse key pairs of the tenant and its
 * projects (admins): list, set or replace (`PUT`, 201 or 200), delete. Keys go in and never come
 * out; responses are not cached anywhere.
 */
export async function integrationsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.get('/integrations/langfuse/credentials', async (request) => ftm.langfuse.listCredentials(request.ctx, request.query));

  app.put('/integrations/langfuse/credentials', async (request, reply) => {
    const { credential, replaced } = await ftm.langfuse.setCredential(request.ctx, request.body);
    return reply
      .code(replaced ? 200 : 201)
      .header('cache-control', 'no-store')
      .send(credential);
  });

  app.delete('/integrations/langfuse/credentials', async (request, reply) => {
    await ftm.langfuse.deleteCredential(request.ctx, request.query);
    return reply.code(204).send();
  });
}
