import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  ApiConnectionError,
  ApiError,
  ApiTimeoutError,
  ApiUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  FtmError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '../../src/index.js';
import { BASE, modelVersion, problem, testClient, useMockServer } from '../support/server.js';

const server = useMockServer();

describe('error classes', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
  ])('maps status %i to its class', async (status, Class) => {
    server.use(http.get(`${BASE}/datasets/d`, () => problem(status, { code: 'some_code', detail: 'what went wrong' })));
    const error = await testClient({ maxRetries: 0 })
      .ftm.datasets.get('d')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(FtmError);
    expect(error).toMatchObject({ status, code: 'some_code', requestId: 'req_123' });
    expect((error as Error).message).toBe(`${status} what went wrong`);
  });

  it('keeps the problem body and lower-cased headers', async () => {
    server.use(http.get(`${BASE}/datasets/d`, () => problem(404, { code: 'not_found', detail: 'dataset d was not found' }, { 'X-Custom': 'yes' })));
    const error = (await testClient()
      .ftm.datasets.get('d')
      .catch((e: unknown) => e)) as NotFoundError;
    expect(error.error).toMatchObject({ code: 'not_found', status: 404, detail: 'dataset d was not found' });
    expect(error.headers?.['x-custom']).toBe('yes');
  });

  it('builds a plain ApiError for a status without a class', async () => {
    server.use(http.post(`${BASE}/uploads`, () => problem(413, { code: 'payload_too_large' })));
    const error = await testClient()
      .ftm.uploads.create('{"a":1}\n')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('survives a non-JSON error body', async () => {
    server.use(http.get(`${BASE}/datasets/d`, () => new HttpResponse('upstream exploded', { status: 502 })));
    const error = (await testClient({ maxRetries: 0 })
      .ftm.datasets.get('d')
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toBe('502 upstream exploded');
  });

  it('times out a slow request with ApiTimeoutError', async () => {
    server.use(http.get(`${BASE}/model-versions/a`, async () => (await delay(2_000), HttpResponse.json(modelVersion('a')))));
    const error = await testClient({ timeoutMs: 30, maxRetries: 1 })
      .ftm.modelVersions.get('a')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiTimeoutError);
    expect(error).toBeInstanceOf(ApiConnectionError);
  });

  it('retries after a timeout', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, async () => (++calls === 1 && (await delay(2_000)), HttpResponse.json(modelVersion('a')))));
    const { ftm, retries } = testClient({ timeoutMs: 50 });
    await expect(ftm.modelVersions.get('a')).resolves.toMatchObject({ id: 'a' });
    expect(retries).toHaveLength(1);
  });

  it('stops at once with ApiUserAbortError when the caller aborts', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, async () => (calls++, await delay(2_000), HttpResponse.json(modelVersion('a')))));
    const controller = new AbortController();
    const pending = testClient()
      .ftm.modelVersions.get('a', { signal: controller.signal })
      .catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    expect(await pending).toBeInstanceOf(ApiUserAbortError);
    expect(calls).toBe(1);
  });

  it('aborts a retry wait when the caller aborts', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/model-versions/a`, () => (calls++, problem(503, {}, { 'retry-after': '60' }))));
    const controller = new AbortController();
    const { ftm } = testClient({ maxRetryDelayMs: 60_000, onRetry: () => controller.abort() });
    await expect(ftm.modelVersions.get('a', { signal: controller.signal })).rejects.toBeInstanceOf(ApiUserAbortError);
    expect(calls).toBe(1);
  });

  it('sends the API key as a bearer token', async () => {
    let auth: string | null = null;
    server.use(http.get(`${BASE}/model-versions/a`, ({ request }) => ((auth = request.headers.get('authorization')), HttpResponse.json(modelVersion('a')))));
    await testClient().ftm.modelVersions.get('a');
    expect(auth).toBe('Bearer ftm_test_key');
  });

  it('refuses a client without baseUrl', () => {
    expect(() => testClient({ baseUrl: '' })).toThrow(/baseUrl/);
  });
});
