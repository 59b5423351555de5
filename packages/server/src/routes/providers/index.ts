import type { FastifyInstance } from 'fastify';
import { ValidationError, type Ftm } from '@ftm/core';

const PROVIDER_RE = /^[a-z0-9_-]{1,64}$/;

/** The `{provider}` path parameter: a provider name's shape, else a 400 (an unknown name is the use case's 404). */
function providerParam(params: unknown): string {
  const value = (params as { provider?: unknown } | undefined)?.provider;
  if (typeof value !== 'string' || !PROVIDER_RE.test(value)) throw new ValidationError('provider is not a provider name', [{ path: 'provider', message: 'lower-case letters, digits, _ and -' }]);
  return value;
}

/**
 * Providers and their credentials: `GET /providers` (anyone), and per provider the credentials of
 * the tenant and its projects (admins): list, set or replace (`PUT`, 201 or 200), delete. Keys go
 * in and never come out; responses are not cached anywhere.
 */
export async function providersRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.get('/providers', async (request) => ftm.providers.list(request.ctx, request.query));

  app.get('/providers/:provider/credentials', async (request) => ftm.providers.listCredentials(request.ctx, providerParam(request.params), request.query));

  app.put('/providers/:provider/credentials', async (request, reply) => {
    const { credential, replaced } = await ftm.providers.setCredential(request.ctx, providerParam(request.params), request.body);
    return reply
      .code(replaced ? 200 : 201)
      .header('cache-control', 'no-store')
      .send(credential);
  });

  app.delete('/providers/:provider/credentials', async (request, reply) => {
    await ftm.providers.deleteCredential(request.ctx, providerParam(request.params), request.query);
    return reply.code(204).send();
  });
}
