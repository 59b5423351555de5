import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyKeyInFlightError, IdempotencyService, type Ftm, type StoredResponse } from '@ftm/core';
import { problem } from './problem.js';
import './request-context.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH']);
// Headers worth replaying; the rest (request id, dates) belong to the new response.
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

/**
 * Outcomes a retry should be allowed to run again instead of replaying: validation failures
 * (nothing ran), rate limiting, and server/dependency errors.
 */
const shouldRelease = (status: number): boolean => status === 400 || status === 429 || status >= 500;

function secretNotReplayed(payload: string, requestId: string): StoredResponse {
  const id = (JSON.parse(payload) as { id?: unknown }).id;
  const body = problem(409, 'secret_not_replayed', 'Conflict', 'an earlier request with this Idempotency-Key already created this resource; its secret was shown only in that response', requestId, {
    resource_id: typeof id === 'string' ? id : null,
  });
  return { status: 409, headers: { 'content-type': 'application/problem+json; charset=utf-8' }, body: JSON.stringify(body) };
}

/**
 * The answer of a create whose state change committed but whose response was never stored (the
 * API died in between): the created resource as `GET {path}/{id}` shows it now, with 201 and
 * Location, as the first request would have answered. Null when `{path}/{id}` is no resource
 * (the request was an action, not a create), so the caller falls back to "in flight".
 */
async function rebuildCreated(request: FastifyRequest, path: string, id: string): Promise<StoredResponse | null> {
  const location = `${path.replace(/\/+$/, '')}/${id}`;
  const headers: Record<string, string> = { 'x-request-id': request.id };
  if (typeof request.headers.authorization === 'string') headers.authorization = request.headers.authorization;
  const got = await request.server.inject({ method: 'GET', url: location, headers });
  if (got.statusCode !== 200) return null;
  if (request.routeOptions.config.secretOnce) return secretNotReplayed(got.body, request.id);
  return { status: 201, headers: { 'content-type': String(got.headers['content-type'] ?? 'application/json; charset=utf-8'), location }, body: got.body };
}

/**
 * Idempotency-Key on every POST/PUT/PATCH of the scope it is registered in: missing → 400, replay of a
 * stored response with `Idempotent-Replayed: true`, 422 on reuse with another request, 409 while in
 * flight. Runs after auth and body parsing (keys are per tenant; the body is part of the request).
 */
export function registerIdempotency(app: FastifyInstance, ftm: Ftm, crashAfterCommit?: string): void {
  app.decorateRequest('idempotencyClaim', null);

  const preHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (!MUTATING.has(request.method)) return undefined; // a route registered for GET and POST
    const raw = request.headers['idempotency-key'];
    const key = Array.isArray(raw) ? undefined : raw;
    IdempotencyService.assertValidKey(key);
    const path = request.url.split('?', 1)[0] ?? request.url;
    const decision = await ftm.idempotency.begin(request.ctx.tenantId, key, { method: request.method, path, body: request.body });
    if (decision.kind === 'replay') {
      const { status, headers, body } = decision.response;
      return reply.code(status).headers(headers).header('idempotent-replayed', 'true').send(body);
    }
    if (decision.kind === 'committed') {
      const rebuilt = await rebuildCreated(request, path, decision.resource.id);
      // Not a create answered by its resource (an action): wait for the first request as before.
      if (!rebuilt) throw new IdempotencyKeyInFlightError();
      await ftm.idempotency.complete(decision.claim, rebuilt);
      return reply.code(rebuilt.status).headers(rebuilt.headers).header('idempotent-replayed', 'true').send(rebuilt.body);
    }
    request.idempotencyClaim = decision.claim;
    // The use case's first event marks the key in its own transaction (recordEvent).
    request.ctx = { ...request.ctx, idempotency: { key: decision.claim.key, requestHash: decision.claim.requestHash } };
    return undefined;
  };

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = null;
    // Test-only fault injection (FTM_TEST_CRASH_AFTER_COMMIT, refused outside FTM_ENV=dev): die
    // after the state change committed, before its response is stored or sent.
    if (crashAfterCommit === `${request.method} ${request.routeOptions.url}` && reply.statusCode < 300) process.kill(process.pid, 'SIGKILL');
    try {
      if (shouldRelease(reply.statusCode) || typeof payload !== 'string') {
        await ftm.idempotency.release(claim);
      } else {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = reply.getHeader(name);
          if (value !== undefined) headers[name] = String(value);
        }
        const stored = request.routeOptions.config.secretOnce && reply.statusCode < 300 ? secretNotReplayed(payload, request.id) : { status: reply.statusCode, headers, body: payload };
        await ftm.idempotency.complete(claim, stored);
      }
    } catch (error) {
      // The response is still correct; the key stays locked until it lapses and can be taken over.
      request.log.error({ err: error }, 'could not record the idempotent response');
    }
    return payload;
  };

  // A request that ended without a response (client gone, crash in a hook) gives its key back.
  const onResponse = async (request: FastifyRequest): Promise<void> => {
    const claim = request.idempotencyClaim;
    if (!claim) return;
    request.idempotencyClaim = null;
    await ftm.idempotency.release(claim).catch((error: unknown) => request.log.error({ err: error }, 'could not release an idempotency key'));
  };

  // Attached to the POST/PUT/PATCH routes only, so reads (the hot paths) run none of these hooks.
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().some((method) => MUTATING.has(method))) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), preHandler];
    route.onSend = [...[route.onSend ?? []].flat(), onSend];
    route.onResponse = [...[route.onResponse ?? []].flat(), onResponse];
  });
}
