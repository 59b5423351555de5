import type { FastifyInstance } from 'fastify';
import { ValidationError, type Ftm } from '@ftm/core';

/**
 * Operator routes (FTM_OPERATOR_TOKEN, http/operator-auth.ts): create and list tenants. The
 * create answers the first admin key's secret once; a retry is 409 `tenant_exists`.
 */
export async function tenantsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/tenants', async (request, reply) => {
    // Every POST carries an Idempotency-Key; here the tenant's unique name is what makes a retry safe.
    if (!request.headers['idempotency-key']) {
      throw new ValidationError('Idempotency-Key header is required', [{ path: 'Idempotency-Key', message: 'required on every POST' }]);
    }
    const created = await ftm.auth.createTenant(request.body, { requestId: request.id });
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  app.get('/tenants', async (request) => ftm.auth.listTenants(request.query));
}
