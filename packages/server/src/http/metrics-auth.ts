import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { ForbiddenError, UnauthorizedError, type Ftm } from '@ftm/core';

const BEARER_RE = /^Bearer[ ]+(\S{1,512})\s*$/i;
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The onRequest hook of `GET /metrics`. With FTM_METRICS_TOKEN set, the scrape must carry
 * `Authorization: Bearer <that token>` and nothing else is accepted (an API key is a tenant's
 * credential, expires, is rate limited, and is no scraper's business). Without it, an admin API
 * key is accepted, so the embedded default can be scraped by hand.
 */
export function metricsAuthHook(ftm: Ftm, metricsToken: string | undefined): onRequestHookHandler {
  const expected = metricsToken ? digest(metricsToken) : undefined;
  return function authenticateScrape(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    reply.header('x-request-id', request.id);
    const header = request.headers.authorization;
    const secret = header ? BEARER_RE.exec(header)?.[1] : undefined;
    const refusal = new UnauthorizedError(expected ? 'the metrics token (FTM_METRICS_TOKEN) is required' : 'an admin API key (or FTM_METRICS_TOKEN) is required');
    if (!secret) return done(refusal);
    // Compared as digests: equal length, constant time, whatever was sent.
    if (expected) return done(timingSafeEqual(digest(secret), expected) ? undefined : refusal);
    ftm.auth.authenticate(secret).then(
      (principal) => done(principal.role === 'admin' ? undefined : new ForbiddenError('scraping /metrics needs an admin API key or FTM_METRICS_TOKEN')),
      (error: unknown) => done(error as Error),
    );
  };
}
