import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { UnauthorizedError, type Ftm, type Principal } from '@ftm/core';
import './request-context.js';

const BEARER_RE = /^Bearer[ ]+(\S{1,512})\s*$/i;

/**
 * Authenticates `Authorization: Bearer <key>` and decorates `request.ctx`. A warm key is answered
 * by the in-process auth cache synchronously (no database round trip, no promise); a cold one is
 * looked up and then cached.
 */
export function authHook(ftm: Ftm): onRequestHookHandler {
  return function authenticate(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
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
