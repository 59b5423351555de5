import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { UnauthorizedError, type Ftm, type Principal } from '@ftm/core';
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
 */
export function authHook(ftm: Ftm): onRequestHookHandler {
  return function authenticate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    reply.header('x-request-id', request.id);
    const header = request.headers.authorization;
    const match = header ? BEARER_RE.exec(header) : null;
    const secret = match?.[1];
    if (!secret) return done(new UnauthorizedError('a valid bearer API key is required'));
    const accept = (principal: Principal): void => {
      request.ctx = ftm.context(principal, request.id, request.log);
      done();
    };
    let cached: Principal | undefined;
    try {
      cached = ftm.auth.authenticateCached(secret);
    } catch (error) {
      return done(error as Error);
    }
    if (cached) return accept(cached);
    ftm.auth.authenticate(secret).then(accept, (error: unknown) => done(error as Error));
  };
}
