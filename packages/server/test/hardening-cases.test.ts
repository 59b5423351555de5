/**
 * The cases of issue #18 a careful user hit: each answers a documented 4xx problem+json that
 * matches the contract, and nothing is written when a request is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsBlobStore } from '@ftm/core';
import { uuidv7 } from '@ftm/core';
import type { LightMyRequestResponse } from 'fastify';
import { seedDataset } from '../../core/test/ft-jobs/ft-job-test-kit.js';
import { ContractValidator } from './support/contract-validator.js';
import { createTestApp, modelVersionBody, type TestApp } from '@ftm/test-support/server-app';

let t: TestApp;
const contract = new ContractValidator();

beforeAll(async () => {
  t = await createTestApp({ ftm: { fineTuning: { env: 'dev', defaultCostThresholdUsd: 0.1 } } });
});
afterAll(async () => t?.close());

/** Rows of state (a refused request writes none; a 404 of a reference may keep its idempotent answer for replay). */
async function writes(options: { idempotency?: boolean } = {}): Promise<number> {
  const db = t.ftm.database.db;
  let total = 0;
  const tables = ['model_versions', 'projects', 'api_keys', 'outbox_events', 'audit_events', 'ft_jobs', 'approvals', 'datasets'] as const;
  for (const table of options.idempotency === false ? tables : [...tables, 'idempotency_records' as const]) {
    total += Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  }
  return total;
}

/** The response is problem+json with this status, listed in the contract for the route. */
function expectProblem(res: LightMyRequestResponse, status: number, route?: { method: string; url: string }): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json();
  expect(body).toMatchObject({ status, request_id: res.headers['x-request-id'] });
  if (route) expect(contract.check(route.method, route.url, res)).toEqual([]);
  return body;
}

async function pendingApproval(): Promise<{ jobId: string; approvalId: string }> {
  const datasetId = await seedDataset({ db: t.ftm.database.db, blobs: t.ftm.blobs as FsBlobStore }, t.a);
  const res = await t.request(t.a.memberKey, { method: 'POST', url: '/ft-jobs', payload: { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' } });
  expect(res.statusCode, res.body).toBe(201);
  return { jobId: res.json().id, approvalId: res.json().approval_id };
}

describe('approvals decided twice', () => {
  it('answers 409 approval_decided as problem+json when an approval is approved again', async () => {
    const { approvalId } = await pendingApproval();
    expect((await t.request(t.a.adminKey, { method: 'POST', url: `/approvals/${approvalId}/approve`, payload: {} })).statusCode).toBe(200);
    for (const verb of ['approve', 'reject']) {
      const again = await t.request(t.a.adminKey, { method: 'POST', url: `/approvals/${approvalId}/${verb}`, payload: {} });
      const body = expectProblem(again, 409, { method: 'POST', url: `/approvals/:id/${verb}` });
      expect(body).toMatchObject({ code: 'approval_decided', approval_status: 'approved' });
    }
  });
});

describe('fine-tuning job responses', () => {
  it('match the contract: estimated_tokens and cancel_requested_at present, no undocumented property', async () => {
    const { jobId } = await pendingApproval();
    const got = await t.request(t.a.memberKey, { url: `/ft-jobs/${jobId}` });
    expect(contract.check('GET', '/ft-jobs/:id', got)).toEqual([]);
    expect(got.json()).toMatchObject({ estimated_tokens: expect.any(Number), cancel_requested_at: null, status_reason: expect.stringContaining('cost approval') });
    const canceled = await t.request(t.a.memberKey, { method: 'POST', url: `/ft-jobs/${jobId}/cancel`, payload: {} });
    expect(contract.check('POST', '/ft-jobs/:id/cancel', canceled)).toEqual([]);
    const list = await t.request(t.a.memberKey, { url: '/ft-jobs' });
    expect(contract.check('GET', '/ft-jobs', list)).toEqual([]);
  });
});

describe('references to ids that do not exist in the tenant', () => {
  it.each([
    ['ft_job_id', () => uuidv7()],
    ['dataset_id', () => uuidv7()],
  ])('refuses a model version whose %s is unknown with a 404 naming the field', async (field, id) => {
    const before = await writes({ idempotency: false });
    const res = await t.request(t.a.memberKey, { method: 'POST', url: '/model-versions', payload: modelVersionBody({ [field]: id() }) });
    const body = expectProblem(res, 404, { method: 'POST', url: '/model-versions' });
    expect(body.errors).toEqual([{ path: field, message: expect.any(String) }]);
    expect(await writes({ idempotency: false })).toBe(before);
  });

  it("refuses another tenant's dataset as a model version's dataset_id", async () => {
    const otherDataset = await seedDataset({ db: t.ftm.database.db, blobs: t.ftm.blobs as FsBlobStore }, t.b);
    const before = await writes({ idempotency: false });
    const res = await t.request(t.a.memberKey, { method: 'POST', url: '/model-versions', payload: modelVersionBody({ dataset_id: otherDataset }) });
    expect(expectProblem(res, 404).errors).toEqual([{ path: 'dataset_id', message: expect.any(String) }]);
    expect(await writes({ idempotency: false })).toBe(before);
  });

  it.each([
    ['POST /api-keys', '/api-keys', { name: 'k', role: 'member', project_id: uuidv7() }, 'project_id'],
    ['POST /webhooks/deliveries/replay', '/webhooks/deliveries/replay', { endpoint_id: uuidv7(), since: '2026-01-01T00:00:00Z' }, 'endpoint_id'],
  ])('answers %s with an unknown id with a 404 the contract lists', async (_name, url, payload, field) => {
    const res = await t.request(t.a.adminKey, { method: 'POST', url, payload });
    expect(expectProblem(res, 404, { method: 'POST', url }).errors).toEqual([{ path: field, message: expect.any(String) }]);
  });

  it('answers a provider webhook for an unknown provider with a 404 the contract lists', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/provider-webhooks/nobody', payload: '{}', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 404, { method: 'POST', url: '/provider-webhooks/:provider' });
  });
});

describe('methods and query parameters', () => {
  it.each(['DELETE', 'TRACE', 'PUT'] as const)('answers %s /projects with 405 and Allow', async (method) => {
    const res = await t.request(t.a.adminKey, { method, url: '/projects' });
    expectProblem(res, 405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
  });

  it('answers 405 on a path with an id, and still 404 on a path no route has', async () => {
    const res = await t.request(t.a.adminKey, { method: 'DELETE', url: `/model-versions/${uuidv7()}` });
    expectProblem(res, 405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expectProblem(await t.request(t.a.adminKey, { method: 'DELETE', url: '/no-such-thing' }), 404);
  });

  it.each(['/datasets?bogus=1', '/projects?bogus=1', '/ft-jobs?limit=5&bogus=1', '/approvals?sort=x'])('refuses the unknown query parameter of GET %s with a 400 naming it', async (url) => {
    const res = await t.request(t.a.adminKey, { url });
    const body = expectProblem(res, 400);
    expect(body.errors).toContainEqual({ path: url.includes('sort') ? 'sort' : 'bogus', message: 'unknown query parameter' });
  });

  it('still accepts the documented query parameters', async () => {
    // (status=failed: the seeded datasets of this file are minimal rows, not full contract shapes)
    const res = await t.request(t.a.adminKey, { url: '/datasets?limit=5&status=failed' });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('input rules at the edge', () => {
  const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

  it.each([
    ['model-version metadata', '/model-versions', (inner: string) => JSON.stringify(modelVersionBody()).replace(/}$/, `,"metadata":${inner}}`)],
    ['a dataset record', '/datasets', (inner: string) => JSON.stringify({ name: 'd', format: 'jsonl_chat', source: { type: 'inline', records: [] } }).replace('"records":[]', `"records":[${inner}]`)],
  ])('refuses JSON nested 10 000 deep in %s with a 400, writing nothing', async (_name, url, body) => {
    const before = await writes();
    const res = await t.request(t.a.memberKey, { method: 'POST', url, payload: body(deep(10_000)), headers: { 'content-type': 'application/json' } });
    const problem = expectProblem(res, 400, { method: 'POST', url });
    expect(problem.detail).toMatch(/deeper than 64/);
    expect(await writes()).toBe(before);
  });

  it('accepts 64 levels and refuses 65', async () => {
    const at = (levels: number) =>
      t.request(t.a.memberKey, {
        method: 'POST',
        url: '/model-versions',
        payload: JSON.stringify(modelVersionBody()).replace(/}$/, `,"metadata":${deep(levels - 1)}}`),
        headers: { 'content-type': 'application/json' },
      });
    // The body itself is level 1; metadata's chain fills the rest. A nested metadata value is a 400 of its own schema, not of depth.
    expect((await at(64)).json().detail).not.toMatch(/deeper than/);
    expect((await at(65)).json().detail).toMatch(/deeper than 64/);
  });

  it.each([
    ['NUL in a project name', '/projects', { name: 'a\u0000b' }, 'name'],
    ['a lone surrogate in a project name', '/projects', { name: 'a\ud800b' }, 'name'],
    ['NUL in model-version metadata', '/model-versions', modelVersionBody({ metadata: { note: 'x\u0000' } }), 'metadata.note'],
    ['a lone low surrogate in model-version metadata', '/model-versions', modelVersionBody({ metadata: { note: '\udc00' } }), 'metadata.note'],
    ['NUL in a model-version name', '/model-versions', modelVersionBody({ name: '\u0000' }), 'name'],
  ])('refuses %s with a 400 naming the field, writing nothing', async (_name, url, payload, field) => {
    const before = await writes();
    const res = await t.request(t.a.adminKey, { method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
    expect(expectProblem(res, 400, { method: 'POST', url }).errors).toEqual([{ path: field, message: expect.stringMatching(/NUL|surrogate/) }]);
    expect(await writes()).toBe(before);
  });

  it('keeps a valid surrogate pair (an emoji) as it is', async () => {
    const res = await t.request(t.a.adminKey, { method: 'POST', url: '/projects', payload: { name: `rocket \ud83d\ude80 ${uuidv7()}` } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().name).toContain('\u{1F680}');
  });

  it('refuses NUL and lone surrogates in query strings, naming the parameter', async () => {
    expect(expectProblem(await t.request(t.a.memberKey, { url: '/datasets?status=%00' }), 400).errors).toContainEqual({ path: 'status', message: expect.stringMatching(/NUL/) });
    expect(expectProblem(await t.request(t.a.memberKey, { url: '/ft-jobs?status=%ED%A0%80' }), 400).errors).toContainEqual({ path: 'status', message: expect.stringMatching(/surrogate/) });
  });

  it('refuses NUL and lone surrogates in headers, naming the header, writing nothing', async () => {
    const before = await writes();
    const res = await t.request(t.a.adminKey, { method: 'POST', url: '/projects', payload: { name: 'h' }, headers: { 'x-note': 'a\u0000b' } });
    expect(expectProblem(res, 400).errors).toContainEqual({ path: 'x-note', message: expect.stringMatching(/NUL/) });
    const res2 = await t.request(t.a.memberKey, { url: '/datasets', headers: { 'x-trace': '\udbff' } });
    expect(expectProblem(res2, 400).errors).toContainEqual({ path: 'x-trace', message: expect.stringMatching(/surrogate/) });
    expect(await writes()).toBe(before);
  });
});
