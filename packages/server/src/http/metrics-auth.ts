import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { ForbiddenError, UnauthorizedError, type Ftm } from '@ftm/core';

const BEARER_RE = /^Bearer[ ]+(\S{1,512})\s*$/i;
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Decides one scrape from its Authorization header: undefined (allowed) or the error to answer. */
export type ScrapeAuthorizer = (authorization: string | undefined) => Error | undefined | Promise<Error | undefined>;

/**
 * Who may scrape `/metrics` (the API's and a worker's alike). With FTM_METRICS_TOKEN set, the
 * scrape must carry `Authorization: Bearer <that token>` and nothing else is accepted (an API key
 * is a tenant's credential, expires, is rate limited, and is no scraper's business). Without it,
 * an admin API key is accepted, so the embedded default can be scraped by hand.
 */
export function scrapeAuthorizer(ftm: Ftm, metricsToken: string | undefined): ScrapeAuthorizer {
  const expected = metricsToken ? digest(metricsToken) : undefined;
  return (header) => {
    const secret = header ? BEARER_RE.exec(header)?.[1] : undefined;
    const refusal = new UnauthorizedError(expected ? 'the metrics token (FTM_METRICS_TOKEN) is required' : 'an admin API key (or FTM_METRICS_TOKEN) is required');
    if (!secret) return refusal;
    // Compared as digests: equal length, constant time, whatever was sent.
    if (expected) return timingSafeEqual(digest(secret), expected) ? undefined : refusal;
    return ftm.auth.authenticate(secret).then(
      (principal) => (principal.role === 'admin' ? undefined : new ForbiddenError('scraping /metrics needs an admin API key or FTM_METRICS_TOKEN')),
      (error: unknown) => error as Error,
    );
  };
}

/** The onRequest hook of the API's `GET /metrics` (see scrapeAuthorizer). */
export function metricsAuthHook(ftm: Ftm, metricsToken: string | undefined): onRequestHookHandler {
  const authorize = scrapeAuthorizer(ftm, metricsToken);
  return function authenticateScrape(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    reply.header('x-request-id', request.id);
    const verdict = authorize(request.headers.authorization);
    if (verdict instanceof Promise) verdict.then((error) => done(error), done);
    else done(verdict);
  };
}
