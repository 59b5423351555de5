import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiPromise, Ftm, OPERATION_METHODS, PagePromise, WebhookVerificationError, FtmError } from '../../src/index.js';
import { BASE, problem, testClient, useMockServer } from '../support/server.js';

const server = useMockServer();
// One answer fits every operation: an object for gets and creates, a page shape for lists.
const answer = () => HttpResponse.json({ id: 'x', data: [], next_cursor: null }, { headers: { 'x-request-id': 'req_raw' } });

/** Every operation's method with placeholder arguments (ids, bodies and params are not checked here). */
function calls(ftm: Ftm): [string, () => unknown][] {
  return Object.entries(OPERATION_METHODS)
    .filter(([operationId]) => operationId !== 'streamEvents')
    .map(([operationId, target]) => {
      const [resource, method] = target.split('.') as [string, string];
      const owner = (ftm as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>)[resource]!;
      return [operationId, () => owner[method]!.call(owner, 'x', {}, {})];
    });
}

describe('raw responses on every method', () => {
  it('gives .withResponse() with the parsed data, the response and its request id', async () => {
    server.use(http.all(`${BASE}/*`, answer));
    const { ftm } = testClient();
    for (const [operationId, call] of calls(ftm)) {
      const promise = call() as ApiPromise<unknown> | PagePromise<unknown>;
      const { response, requestId, data } = await promise.withResponse();
      expect([operationId, response.status, requestId]).toEqual([operationId, 200, 'req_raw']);
      expect(data, operationId).toBeDefined();
    }
  });

  it('gives .asResponse() with the body unread', async () => {
    server.use(http.all(`${BASE}/*`, answer));
    const { ftm } = testClient();
    for (const [operationId, call] of calls(ftm)) {
      const response = await (call() as ApiPromise<unknown> | PagePromise<unknown>).asResponse();
      expect([operationId, response.bodyUsed]).toEqual([operationId, false]);
      expect(await response.json()).toMatchObject({ id: 'x' });
    }
  });

  it('puts the request id on an awaited result, without making it enumerable', async () => {
    server.use(http.get(`${BASE}/datasets/d`, answer));
    const dataset = await testClient().ftm.datasets.get('d');
    expect(dataset.requestId).toBe('req_raw');
    expect(Object.keys(dataset)).not.toContain('requestId');
    expect(JSON.stringify(dataset)).not.toContain('req_raw');
  });

  it('gives a page its request id', async () => {
    server.use(http.get(`${BASE}/datasets`, answer));
    expect((await testClient().ftm.datasets.list()).requestId).toBe('req_raw');
  });

  it('opens the event stream on .withResponse() and iterates that same connection', async () => {
    let connections = 0;
    const frame = `id: 1\nevent: dataset.created\ndata: ${JSON.stringify({ id: 'e', seq: 1, type: 'dataset.created', resource_type: 'dataset', resource_id: null, project_id: null, request_id: null, created_at: '2026-01-01T00:00:00Z', data: { dataset: { name: 'faq' } } })}\n\n`;
    server.use(http.get(`${BASE}/events`, () => (connections++, new HttpResponse(frame, { headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req_sse' } }))));
    const { data: stream, requestId } = await testClient()
      .ftm.events.stream({ types: ['dataset.created'] })
      .withResponse();
    expect(requestId).toBe('req_sse');
    for await (const event of stream) {
      expect(event.data.dataset.name).toBe('faq');
      break;
    }
    expect(connections).toBe(1);
  });
});

describe('environment defaults', () => {
  const saved = { url: process.env.FTM_BASE_URL, key: process.env.FTM_API_KEY };
  afterEach(() => {
    for (const [name, value] of [
      ['FTM_BASE_URL', saved.url],
      ['FTM_API_KEY', saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('reads FTM_BASE_URL and FTM_API_KEY when the options leave them out', async () => {
    process.env.FTM_BASE_URL = `${BASE}/`;
    process.env.FTM_API_KEY = 'ftm_from_env';
    let auth: string | null = null;
    server.use(http.get(`${BASE}/healthz`, ({ request }) => ((auth = request.headers.get('authorization')), HttpResponse.json({ status: 'ok' }))));
    await new Ftm().system.health();
    expect(auth).toBe('Bearer ftm_from_env');
  });

  it('prefers the options over the environment, and defaults to http://localhost:8080', () => {
    process.env.FTM_BASE_URL = 'http://from-env:1';
    expect(new Ftm({ baseUrl: 'http://given:2' }).client.baseUrl).toBe('http://given:2');
    delete process.env.FTM_BASE_URL;
    expect(new Ftm().client.baseUrl).toBe('http://localhost:8080');
  });
});

describe('errors carry what the problem says', () => {
  it('exposes the problem type URI', async () => {
    server.use(http.get(`${BASE}/datasets/d`, () => problem(404, { type: 'https://ftm.dev/problems/not-found', code: 'not_found' })));
    await expect(testClient().ftm.datasets.get('d')).rejects.toMatchObject({ type: 'https://ftm.dev/problems/not-found', code: 'not_found', status: 404 });
  });

  it('makes a webhook verification error an FtmError of the main entry', () => {
    expect(new WebhookVerificationError('x')).toBeInstanceOf(FtmError);
  });
});
