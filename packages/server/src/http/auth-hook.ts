import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { UnauthorizedError, type Ftm, type Principal } from '@ftm/core';
import type { ApiRateLimits } from './rate-limits.js';
import './request-context.js';

const BEARER_RE = /^Bearer[ ]+(\S{1,512})\s*$/i;

/** The onRequest hook of public routes: the response's x-request-id, nothing else. */
export function requestIdHook(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.header('x-request-id', request.id);
  done();
}

/**
 * Sets the response's x-request-id, then authenticates `Authorization: Bearer <key>` and
 * decorates `request.ctx`: the only onRequest hook of an API route (one hook, not two, on the
 * hot path). A warm key is answered by the in-process auth cache synchronously (no database
 * round trip, no promise); a cold one is looked up and then cached.
 *
 * With `limits`, an accepted key is counted against its rate limit, and a failed authentication
 * against its client address: an address past its budget gets 429 without its key being looked
 * up (a key already proven valid in the cache is still served, so one bad client behind a shared
 * address does not lock out the others).
 */
export function authHook(ftm: Ftm, limits?: ApiRateLimits): onRequestHookHandler {
  return function authenticate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    reply.header('x-request-id', request.id);
    const refuse = (error: unknown): void => {
      if (!limits || !(error instanceof UnauthorizedError)) return done(error as Error);
      limits.countAuthFailure(request, reply).then(
        () => done(error),
        (limited: unknown) => done(limited as Error),
      );
    };
    const accept = (principal: Principal): void => {
      request.ctx = ftm.context(principal, request.id, request.log);
      if (!limits) return done();
      limits.admitKey(request, reply).then(
        () => done(),
        (limited: unknown) => done(limited as Error),
      );
    };
    const header = request.headers.authorization;
    const match = header ? BEARER_RE.exec(header) : null;
    const secret = match?.[1];
    if (!secret) return refuse(new UnauthorizedError('a valid bearer API key is required'));
    let cached: Principal | undefined;
    try {
      cached = ftm.auth.authenticateCached(secret);
    } catch (error) {
      return refuse(error);
    }
    if (cached) return accept(cached);
    const lookUp = (): void => void ftm.auth.authenticate(secret).then(accept, refuse);
    if (!limits) return lookUp();
    limits.admitAddress(request, reply).then(lookUp, (limited: unknown) => done(limited as Error));
  };
}
