import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * Request headers a browser may send: what `@ftm/sdk` sends (auth, the idempotency key, its
 * `x-ftm-sdk` marker, `if-none-match` on `productionPointers.resolve()`, `last-event-id` when the
 * event stream resumes, the Standard Webhooks headers `providerWebhooks.receive()` forwards) and a
 * caller's own request id.
 */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'if-none-match',
  'last-event-id',
  'x-ftm-sdk',
  'x-request-id',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
] as const;

/** Response headers a browser script may read: the ones `@ftm/sdk` reads, and `location`. */
export const CORS_EXPOSED_HEADERS = ['etag', 'idempotent-replayed', 'x-request-id', 'retry-after', 'retry-after-ms', 'location'] as const;

/**
 * CORS for the configured origins only (FTM_CORS_ORIGINS), on `@fastify/cors`. Its hook answers
 * preflights before any route hook, so before auth: browsers send them without credentials.
 * Nothing is registered when no origin is configured, so the hot path pays nothing then.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  // A preflight is answered inside the CORS hook, before the route hooks that set the request id.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method === 'OPTIONS') reply.header('x-request-id', request.id);
    done();
  });
  await app.register(cors, {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: 600,
    strictPreflight: false,
  });
}
