import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { OpenApiDocument } from '../../contract/load-contract.js';

/** `/openapi.json` and the rendered reference at `/docs` (assets served locally; works offline). */
export async function docsRoutes(app: FastifyInstance, { contract }: { contract: OpenApiDocument }): Promise<void> {
  const json = JSON.stringify(contract);
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(json));
  await app.register(swagger, { mode: 'static', specification: { document: contract as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: true } });
}
