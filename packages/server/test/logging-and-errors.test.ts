import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createFtm, DependencyUnavailableError, FsBlobStore, GateDeniedError, openQueue, RateLimitedError, type Ftm } from '@ftm/core';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { buildApp } from '../src/app.js';
import { createLogger } from '../src/http/logger.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(String(chunk));
    done();
  },
});
let t: TestDatabase;
let ftm: Ftm;
let app: FastifyInstance;
let admin: string;

beforeAll(async () => {
  t = await createPgliteTestDatabase();
  ftm = createFtm({ database: t.database, blobs: new FsBlobStore({ root: await mkdtemp(join(tmpdir(), 'ftm-log-')) }), queue: openQueue({ type: 'local', database: t.database }) });
  app = await buildApp({
    config: { corsOrigins: ['https://app.example.com'], bodyLimitBytes: 1024 * 1024 },
    ftm,
    logger: createLogger({ level: 'debug', destination: sink }),
    routes: [
      async (api) => {
        api.get('/boom', async () => {
          throw new Error('relation "secret_table" does not exist at select * from secret_table');
        });
        api.get('/gate', async () => {
          throw new GateDeniedError('the promotion was not made', [{ gate: 'governance', verdict: 'deny', reason: 'not allowed', decisionId: 'gov_1' }]);
        });
        api.get('/slow-down', async () => {
          throw new RateLimitedError('too many requests', 2.2);
        });
        api.get('/down', async () => {
          throw new DependencyUnavailableError('orchestrator', 'orchestrator at http://user:pw@orch did not answer');
        });
      },
    ],
  });
  const { tenantId } = await seedTenant(t.database);
  admin = (await ftm.auth.createApiKey(testContext({ tenantId, role: 'admin' }), { name: 'admin', role: 'admin' })).secret;
});
afterAll(async () => {
  await app?.close();
  await t?.dispose();
});

const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${admin}` } });

describe('errors and logs', () => {
  it('hides an unexpected error behind a generic 500 and keeps the details in the log', async () => {
    const res = await get('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'internal_error', request_id: res.headers['x-request-id'] });
    expect(res.body).not.toContain('secret_table');
    expect(lines.join('')).toContain('secret_table');
  });

  it('carries every gate verdict on a 409 gate denial', async () => {
    const res = await get('/gate');
    expect(res.statusCode).toBe(409);
    expect(res.json().gates).toEqual([{ gate: 'governance', verdict: 'deny', reason: 'not allowed', decision_id: 'gov_1' }]);
  });

  it('sends Retry-After with 429 and 503, and no dependency internals', async () => {
    const limited = await get('/slow-down');
    expect([limited.statusCode, limited.headers['retry-after']]).toEqual([429, '3']);
    const down = await get('/down');
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBeDefined();
    expect(down.body).not.toContain('pw@');
  });

  it('never writes bearer keys or new secrets to the log', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api-keys',
      payload: { name: 'ci' },
      headers: { authorization: `Bearer ${admin}`, 'idempotency-key': 'log-test-1' },
    });
    expect(created.statusCode).toBe(201);
    const log = lines.join('');
    expect(log).toContain(created.headers['x-request-id']);
    expect(log).not.toContain(admin);
    expect(log).not.toContain(created.json().secret);
  });

  it('answers CORS preflights for configured origins only', async () => {
    const allowed = await app.inject({ method: 'OPTIONS', url: '/model-versions', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['x-request-id']).toBeTruthy();
    const other = await app.inject({ url: '/healthz', headers: { origin: 'https://evil.example.com' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets a browser send every header @ftm/sdk sends, before auth', async () => {
    const sdkHeaders = ['authorization', 'content-type', 'idempotency-key', 'x-ftm-sdk', 'if-none-match', 'last-event-id'];
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/production-pointers/resolve',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': sdkHeaders.join(',') },
    });
    expect(preflight.statusCode).toBe(204);
    const allowed = String(preflight.headers['access-control-allow-headers'])
      .split(',')
      .map((h) => h.trim());
    expect(sdkHeaders.filter((h) => !allowed.includes(h))).toEqual([]);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('PATCH');
  });

  it('exposes the response headers @ftm/sdk reads to browser scripts', async () => {
    const res = await app.inject({ url: '/healthz', headers: { origin: 'https://app.example.com' } });
    const exposed = String(res.headers['access-control-expose-headers'])
      .split(',')
      .map((h) => h.trim());
    expect(['etag', 'idempotent-replayed', 'x-request-id', 'retry-after'].filter((h) => !exposed.includes(h))).toEqual([]);
  });
});
