import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Ftm, type FtmOptions, type RetryInfo } from '../../src/index.js';

/** Base URL the msw handlers answer on. */
export const BASE = 'http://ftm.test';

/** One msw server per test file, reset after each test; fails on unhandled requests. */
export function useMockServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** A client with tiny retry delays; `retries` records every retry decision. */
export function testClient(options: Partial<FtmOptions> = {}): { ftm: Ftm; retries: RetryInfo[] } {
  const retries: RetryInfo[] = [];
  const ftm = new Ftm({
    baseUrl: BASE,
    apiKey: 'ftm_test_key',
    initialRetryDelayMs: 1,
    maxRetryDelayMs: 20,
    onRetry: (info) => retries.push(info),
    ...options,
  });
  return { ftm, retries };
}

/** A problem+json response. */
export function problem(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'error', status, ...body }), {
    status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req_123', ...headers },
  });
}

/** A model version as the API returns it. */
export function modelVersion(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    project_id: null,
    name: `model-${id}`,
    provider: 'openai',
    provider_model_id: `ft:gpt-4o-mini:acme::${id}`,
    base_model: 'gpt-4o-mini',
    status: 'candidate',
    ft_job_id: null,
    dataset_id: null,
    eval_summary: {},
    estimated_cost_usd: null,
    actual_cost_usd: null,
    metadata: {},
    created_by: 'key_1',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}
