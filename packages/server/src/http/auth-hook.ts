import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { UnauthorizedError, type Ftm } from '@ftm/core';
import './request-context.js';

const BEARER_RE = /^Bearer[ ]+(\S{1,512})\s*$/i;

/**
 * Authenticates `Authorization: Bearer <key>` and decorates `request.ctx`. Served from the
 * in-process auth cache, so a warm key costs no database round trip.
 */
export function authHook(ftm: Ftm): onRequestAsyncHookHandler {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const match = header ? BEARER_RE.exec(header) : null;
    if (!match?.[1]) throw new UnauthorizedError('a valid bearer API key is required');
    const principal = await ftm.auth.authenticate(match[1]);
    request.ctx = ftm.context(principal, request.id, request.log);
  };
}
