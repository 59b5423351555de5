import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { UnauthorizedError } from '@ftm/core';

const BEARER_RE = /^Bearer[ ]+(\S{1,512})\s*$/i;
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The onRequest hook of the operator routes (`/tenants`): `Authorization: Bearer
 * <FTM_OPERATOR_TOKEN>`. No API key is accepted, an admin's included: a tenant's admin manages
 * that tenant, the operator manages tenants. Without the variable the routes refuse everyone.
 */
export function operatorAuthHook(operatorToken: string | undefined): onRequestHookHandler {
  const expected = operatorToken ? digest(operatorToken) : undefined;
  return function authenticateOperator(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    reply.header('x-request-id', request.id);
    if (!expected) return done(new UnauthorizedError('operator routes are off: set FTM_OPERATOR_TOKEN to use them'));
    const header = request.headers.authorization;
    const secret = header ? BEARER_RE.exec(header)?.[1] : undefined;
    done(secret && timingSafeEqual(digest(secret), expected) ? undefined : new UnauthorizedError('the operator token (FTM_OPERATOR_TOKEN) is required'));
  };
}
