import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '@ftm/core';

/** How many requests a client may make per window (FTM_RATE_LIMIT_*). */
export interface RateLimitSettings {
  readonly enabled: boolean;
  readonly windowMs: number;
  /** Requests per window of one API key, on every authenticated route but the resolve hot path. */
  readonly perKey: number;
  /** Requests per window of one API key on `GET /production-pointers/resolve`. */
  readonly resolvePerKey: number;
  /** Failed authentications per window from one client address; past it, 429 without a key lookup. */
  readonly authFailuresPerAddress: number;
  /** Counters shared by every API process (Redis when configured); absent, each process counts alone. */
  readonly redis?: { readonly url: string; readonly prefix?: string };
}

/** The defaults: generous for real clients, small enough to stop a runaway loop or a key scan. */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = { enabled: true, windowMs: 60_000, perKey: 3_000, resolvePerKey: 60_000, authFailuresPerAddress: 30 };

/** The route whose limit is its own: apps call it on their own request path. */
export const RESOLVE_ROUTE = '/production-pointers/resolve';
// A Redis that does not answer within this time is skipped (the request is let through): an
// outage of the limiter's store must not become an outage of the API.
const REDIS_COMMAND_TIMEOUT_MS = 250;
const REDIS_CONNECT_WAIT_MS = 2_000;

/** The checks the auth hook runs. Each rejects with RateLimitedError (429) past its limit. */
export interface ApiRateLimits {
  /** Counts one request of an authenticated key (request.ctx is set). */
  admitKey(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Before a key lookup: refuses an address already past its failed-authentication budget (does not count). */
  admitAddress(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts a failed authentication of the request's address; refuses it once past the budget. */
  countAuthFailure(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

type Verdict = Awaited<ReturnType<ReturnType<FastifyInstance['createRateLimit']>>>;
type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

interface Policy {
  readonly name: string;
  readonly limiter: Limiter;
  /** The IETF RateLimit-Policy field value, fixed for the process. */
  readonly policyHeader: string;
}

/**
 * Registers @fastify/rate-limit (no global hook: the auth hook calls the limiters, so a request
 * runs no extra hook) and returns the three checks. Responses carry the IETF RateLimit-Policy and
 * RateLimit fields (draft-ietf-httpapi-ratelimit-headers: `"key";q=3000;w=60`, `"key";r=2999;t=42`);
 * a 429 also has Retry-After.
 */
export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<ApiRateLimits | undefined> {
  if (!settings.enabled) return undefined;
  const redis = settings.redis
    ? // Loaded only here: a server without Redis does not pay for the client at start.
      new (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis(settings.redis.url, {
        commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        lazyConnect: false,
      })
    : undefined;
  if (redis) {
    let warned = false;
    redis.on('error', (error: Error) => {
      // One line per outage, not one per reconnection attempt.
      if (!warned) app.log.warn({ err: { message: error.message } }, 'rate limit store (Redis) unavailable; requests are let through until it is back');
      warned = true;
    });
    redis.on('ready', () => void (warned = false));
    app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
    // Commands are not queued while disconnected (they would only delay requests), so wait for
    // the first connection, briefly: a Redis that is down does not stop the API from starting.
    await new Promise<void>((ready) => {
      const timer = setTimeout(ready, REDIS_CONNECT_WAIT_MS);
      redis.once('ready', () => {
        clearTimeout(timer);
        ready();
      });
    });
  }
  await app.register(fastifyRateLimit, {
    global: false,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: settings.redis?.prefix ?? 'ftm:rate-limit:' } : {}),
  });
  const windowSeconds = Math.ceil(settings.windowMs / 1000);
  const policy = (name: string, max: number, key: (request: FastifyRequest) => string): Policy => ({
    name,
    policyHeader: `"${name}";q=${max};w=${windowSeconds}`,
    limiter: app.createRateLimit({ max, timeWindow: settings.windowMs, keyGenerator: key }),
  });
  // Keys carry the policy name: every limiter of the plugin shares one key space in Redis.
  const actorOf = (request: FastifyRequest): string => `${request.ctx.actor.type}:${request.ctx.actor.id}`;
  const perKey = policy('key', settings.perKey, (r) => `key:${actorOf(r)}`);
  const resolve = policy('resolve', settings.resolvePerKey, (r) => `resolve:${actorOf(r)}`);
  const authFailures = policy('auth-failures', settings.authFailuresPerAddress, (r) => `auth-failures:${r.ip}`);

  const apply = (reply: FastifyReply, p: Policy, verdict: Verdict, refuseAtLimit: boolean): void => {
    if (verdict.isAllowed) return;
    const reset = Math.max(0, verdict.ttlInSeconds);
    reply.header('ratelimit-policy', p.policyHeader);
    reply.header('ratelimit', `"${p.name}";r=${verdict.remaining};t=${reset}`);
    // A read (no increment) refuses at the limit; a count refuses past it.
    if (verdict.isExceeded || (refuseAtLimit && verdict.remaining === 0 && verdict.ttl > 0)) {
      throw new RateLimitedError(`rate limit "${p.name}" reached (${verdict.max} per ${windowSeconds} s); retry after ${Math.max(1, reset)} s`, Math.max(1, reset));
    }
  };
  return {
    async admitKey(request, reply) {
      const p = request.routeOptions.url === RESOLVE_ROUTE ? resolve : perKey;
      apply(reply, p, await p.limiter(request), false);
    },
    async admitAddress(request, reply) {
      apply(reply, authFailures, await authFailures.limiter(request, { increment: false }), true);
    },
    async countAuthFailure(request, reply) {
      apply(reply, authFailures, await authFailures.limiter(request), false);
    },
  };
}
