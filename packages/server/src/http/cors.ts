import type { FastifyInstance } from 'fastify';

const ALLOWED_HEADERS = 'authorization, content-type, idempotency-key, x-request-id, last-event-id';
const EXPOSED_HEADERS = 'x-request-id, idempotent-replayed, retry-after, etag, location';

/**
 * CORS for the configured origins only (FTM_CORS_ORIGINS). Preflights are answered here, before
 * auth, because browsers send them without credentials.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || (!any && !allowed.has(origin))) return;
    reply.header('access-control-allow-origin', any ? '*' : origin);
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      // Answered before any route hook runs, so the request id is set here.
      return reply
        .code(204)
        .header('x-request-id', request.id)
        .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    }
    return undefined;
  });
}
