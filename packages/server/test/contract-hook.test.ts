import Fastify, { type FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@ftm/core';
import { contractCheckHook } from './support/contract-hook.js';
import { takeContractViolations } from './support/contract-setup.js';
import { createTestApp, modelVersionBody, type TestApp } from '@ftm/test-support/server-app';

/** A bare app answering one contract route with whatever the test gives it. */
async function answering(method: 'GET' | 'POST', url: string, statusCode: number, body: unknown) {
  const seen: string[] = [];
  const app = Fastify();
  app.addHook('onSend', contractCheckHook(seen));
  app.route({ method, url, handler: async (_req, reply) => reply.code(statusCode).header('x-request-id', 'r-1').send(body) });
  await app.inject({ method, url: url.replace(':id', uuidv7()) });
  await app.close();
  return seen;
}

const modelVersion = {
  id: uuidv7(),
  tenant_id: uuidv7(),
  project_id: uuidv7(),
  name: 'bot',
  version: 1,
  status: 'candidate',
  provider: 'openai',
  provider_model_id: 'ft:x',
  base_model: 'gpt-4o-mini',
  ft_job_id: null,
  dataset_id: null,
  metadata: {},
  created_at: '2026-12-08T00:00:00Z',
  updated_at: '2026-12-08T00:00:00Z',
};

describe('the contract check on every response', () => {
  it('passes a response the contract describes', async () => {
    expect(await answering('GET', '/healthz', 200, { status: 'ok' })).toEqual([]);
  });

  it('reports a property the contract does not describe', async () => {
    const seen = await answering('GET', '/healthz', 200, { status: 'ok', uptime: 3 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/must NOT have additional properties/);
  });

  it('reports a status the contract does not list for the operation', async () => {
    const seen = await answering('GET', '/healthz', 418, { status: 'ok' });
    expect(seen).toEqual([expect.stringMatching(/answered 418, which the contract does not list/)]);
  });

  it('reports a missing required field', async () => {
    const { provider_model_id: _dropped, ...partial } = modelVersion;
    const seen = await answering('GET', '/model-versions/:id', 200, partial);
    expect(seen).toEqual([expect.stringMatching(/must have required property 'provider_model_id'/)]);
  });

  it('reports an unmatched request answered with something other than problem+json', async () => {
    const seen: string[] = [];
    const app = Fastify();
    app.addHook('onSend', contractCheckHook(seen));
    await app.inject({ url: '/nowhere' }); // Fastify's own 404 body, not a problem
    await app.close();
    expect(seen).toHaveLength(1);
  });
});

// Adds a property the contract lacks to any API answer of a request that asks for it, as a route bug would.
const sneak: FastifyPluginAsync = async (api) => {
  api.addHook('preSerialization', async (request, _reply, payload) => (request.headers['x-test-sneak'] && payload && typeof payload === 'object' ? { ...payload, sneaky: true } : payload));
};
(sneak as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

describe('the hook in the test app factory', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ app: { routes: [sneak] } });
  });
  afterAll(async () => t?.close());

  it('sees the responses of the apps the tests build, and lets valid ones pass', async () => {
    const created = await t.request(t.a.memberKey, { method: 'POST', url: '/model-versions', payload: modelVersionBody() });
    expect(created.statusCode).toBe(201);
    await t.request(t.a.memberKey, { url: '/nowhere' });
    expect(takeContractViolations()).toEqual([]);
  });

  it('records a route answer the contract does not describe, which would fail this file', async () => {
    const created = await t.request(t.a.memberKey, { method: 'POST', url: '/model-versions', payload: modelVersionBody() });
    const res = await t.request(t.a.memberKey, { url: `/model-versions/${created.json().id}`, headers: { 'x-test-sneak': '1' } });
    expect(res.json().sneaky).toBe(true);
    expect(takeContractViolations()).toEqual([expect.stringMatching(/GET \/model-versions\/.* must NOT have additional properties/)]);
  });
});
