import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiConnectionError, ConflictError, InternalServerError, RateLimitError } from '../../src/index.js';
import { BASE, modelVersion, problem, testClient, useMockServer } from '../support/server.js';

const server = useMockServer();
const body = { name: 'v1', provider: 'openai', provider_model_id: 'ft:x', base_model: 'gpt-4o-mini' };

describe('retries', () => {
  it('retries a 503 and returns the later success', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, () => (++calls < 3 ? problem(503, { code: 'dependency_unavailable' }) : HttpResponse.json(modelVersion('a')))));
    const { ftm, retries } = testClient();
    await expect(ftm.modelVersions.get('a')).resolves.toMatchObject({ id: 'a' });
    expect(calls).toBe(3);
    expect(retries.map((r) => r.status)).toEqual([503, 503]);
  });

  it('gives up after maxRetries with the last error', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, () => (calls++, problem(500, { code: 'internal' }))));
    const { ftm } = testClient({ maxRetries: 3 });
    await expect(ftm.modelVersions.get('a')).rejects.toBeInstanceOf(InternalServerError);
    expect(calls).toBe(4);
  });

  it('retries 408 and 429', async () => {
    const statuses = [408, 429];
    server.use(http.get(`${BASE}/model-versions/a`, () => (statuses.length ? problem(statuses.shift()!, {}) : HttpResponse.json(modelVersion('a')))));
    const { ftm, retries } = testClient();
    await ftm.modelVersions.get('a');
    expect(retries.map((r) => r.status)).toEqual([408, 429]);
  });

  it('waits as long as Retry-After asks (in seconds)', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, () => (++calls === 1 ? problem(429, {}, { 'retry-after': '1' }) : HttpResponse.json(modelVersion('a')))));
    const { ftm, retries } = testClient({ maxRetryDelayMs: 5_000 });
    await ftm.modelVersions.get('a');
    expect(retries).toEqual([expect.objectContaining({ attempt: 1, status: 429, delayMs: 1_000 })]);
  });

  it('caps a long Retry-After at maxRetryDelayMs', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, () => (++calls === 1 ? problem(503, {}, { 'retry-after': '3600' }) : HttpResponse.json(modelVersion('a')))));
    const { ftm, retries } = testClient({ maxRetryDelayMs: 15 });
    await ftm.modelVersions.get('a');
    expect(retries[0]?.delayMs).toBe(15);
  });

  it('backs off within the doubling ceiling when no Retry-After is sent', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, () => (++calls <= 3 ? problem(502, {}) : HttpResponse.json(modelVersion('a')))));
    const { ftm, retries } = testClient({ maxRetries: 3, initialRetryDelayMs: 4, maxRetryDelayMs: 10 });
    await ftm.modelVersions.get('a');
    const ceilings = [4, 8, 10];
    retries.forEach((r, i) => {
      expect(r.delayMs).toBeGreaterThanOrEqual(0);
      expect(r.delayMs).toBeLessThanOrEqual(ceilings[i]!);
    });
  });

  it('sends one Idempotency-Key on every attempt of a mutating call', async () => {
    const keys: (string | null)[] = [];
    server.use(
      http.post(`${BASE}/model-versions`, ({ request }) => {
        keys.push(request.headers.get('idempotency-key'));
        return keys.length < 3 ? problem(503, {}) : HttpResponse.json(modelVersion('n'), { status: 201 });
      }),
    );
    const { ftm } = testClient();
    await ftm.modelVersions.create(body);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses a fresh key for each logical call', async () => {
    const keys: (string | null)[] = [];
    server.use(http.post(`${BASE}/model-versions`, ({ request }) => (keys.push(request.headers.get('idempotency-key')), HttpResponse.json(modelVersion('n'), { status: 201 }))));
    const { ftm } = testClient();
    await ftm.modelVersions.create(body);
    await ftm.modelVersions.create(body);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("uses the caller's own Idempotency-Key", async () => {
    let key: string | null = null;
    server.use(http.post(`${BASE}/ft-jobs/j/cancel`, ({ request }) => ((key = request.headers.get('idempotency-key')), HttpResponse.json({ id: 'j' }))));
    const { ftm } = testClient();
    await ftm.ftJobs.cancel('j', { idempotencyKey: 'cancel-j-once' });
    expect(key).toBe('cancel-j-once');
  });

  it('sends no Idempotency-Key on reads', async () => {
    let key: string | null = 'unset';
    server.use(http.get(`${BASE}/model-versions/a`, ({ request }) => ((key = request.headers.get('idempotency-key')), HttpResponse.json(modelVersion('a')))));
    await testClient().ftm.modelVersions.get('a');
    expect(key).toBeNull();
  });

  it('retries a 409 whose key is still in flight', async () => {
    let calls = 0;
    server.use(http.post(`${BASE}/model-versions`, () => (++calls === 1 ? problem(409, { code: 'idempotency_key_in_flight' }) : HttpResponse.json(modelVersion('n'), { status: 201 }))));
    const { ftm, retries } = testClient();
    await expect(ftm.modelVersions.create(body)).resolves.toMatchObject({ id: 'n' });
    expect(retries).toHaveLength(1);
  });

  it('does not retry any other 409', async () => {
    let calls = 0;
    server.use(http.post(`${BASE}/model-versions`, () => (calls++, problem(409, { code: 'gate_denied', gates: [{ gate: 'governance', verdict: 'deny' }] }))));
    const error = await testClient()
      .ftm.modelVersions.create(body)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).gates).toEqual([{ gate: 'governance', verdict: 'deny' }]);
    expect(calls).toBe(1);
  });

  it('does not retry a 400', async () => {
    let calls = 0;
    server.use(http.post(`${BASE}/model-versions`, () => (calls++, problem(400, { code: 'validation_failed', errors: [{ path: 'name', message: 'required' }] }))));
    await expect(testClient().ftm.modelVersions.create(body)).rejects.toMatchObject({ status: 400, fieldErrors: [{ path: 'name', message: 'required' }] });
    expect(calls).toBe(1);
  });

  it('retries network errors, then throws ApiConnectionError', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, () => (calls++, HttpResponse.error())));
    const { ftm, retries } = testClient({ maxRetries: 2 });
    await expect(ftm.modelVersions.get('a')).rejects.toBeInstanceOf(ApiConnectionError);
    expect(calls).toBe(3);
    expect(retries.every((r) => r.status === undefined)).toBe(true);
  });

  it('makes one attempt when maxRetries is 0 for the call', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, () => (calls++, problem(429, {}))));
    await expect(testClient().ftm.modelVersions.get('a', { maxRetries: 0 })).rejects.toBeInstanceOf(RateLimitError);
    expect(calls).toBe(1);
  });
  // The first attempt is a plain fetch and later ones run on ky: numbering and the key must not
  // notice the hand-over.
  it('numbers attempts 1..n across the first attempt and the retries', async () => {
    const keys: (string | null)[] = [];
    server.use(
      http.post(`${BASE}/model-versions`, ({ request }) => {
        keys.push(request.headers.get('idempotency-key'));
        return keys.length <= 3 ? problem(503, {}) : HttpResponse.json(modelVersion('a'), { status: 201 });
      }),
    );
    const { ftm, retries } = testClient({ maxRetries: 3 });
    await ftm.modelVersions.create(body);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(new Set(keys).size).toBe(1);
    expect(keys).toHaveLength(4);
  });

  it('sends one value per header whatever the case of defaultHeaders', async () => {
    let seen: Headers | undefined;
    server.use(http.get(`${BASE}/model-versions/a`, ({ request }) => ((seen = request.headers), HttpResponse.json(modelVersion('a')))));
    const { ftm } = testClient({ defaultHeaders: { 'X-Team': 'ml', Accept: 'application/json' } });
    await ftm.modelVersions.get('a', { headers: { 'x-team': 'platform' } });
    expect(seen?.get('x-team')).toBe('platform');
    expect(seen?.get('accept')).toBe('application/json');
  });
});
