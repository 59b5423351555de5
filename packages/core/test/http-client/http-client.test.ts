import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { backoffMs } from '../../src/shared/backoff.js';
import { HttpClient, HttpStatusError, parseRetryAfterMs } from '../../src/shared/http-client.js';
import { DependencyUnavailableError } from '../../src/shared/errors.js';

const BASE = 'http://dependency.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A client whose waits are recorded instead of slept, and whose breaker clock the test moves. */
function makeClient(overrides: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const sleeps: number[] = [];
  let now = 1_000_000;
  const client = new HttpClient({
    name: 'dep',
    baseUrl: BASE,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    breaker: { failureThreshold: 2, resetAfterMs: 30_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => now,
    ...overrides,
  });
  return { client, sleeps, advance: (ms: number) => (now += ms) };
}

/** Answers with the given responses in order, then repeats the last one; counts calls. */
function sequence(path: string, responses: Array<() => Response | Promise<Response>>) {
  const calls = { count: 0 };
  server.use(
    http.all(`${BASE}${path}`, () => {
      const r = responses[Math.min(calls.count, responses.length - 1)]!;
      calls.count += 1;
      return r();
    }),
  );
  return calls;
}

describe('HttpClient retries', () => {
  it('retries a 429 and waits the number of seconds Retry-After asks for', async () => {
    const calls = sequence('/x', [() => HttpResponse.json({ error: 'slow down' }, { status: 429, headers: { 'retry-after': '2' } }), () => HttpResponse.json({ ok: true })]);
    const { client, sleeps } = makeClient();
    const res = await client.request<{ ok: boolean }>({ method: 'GET', path: '/x' });
    expect(res.body).toEqual({ ok: true });
    expect(calls.count).toBe(2);
    expect(sleeps).toEqual([2000]);
  });

  it('retries 500 and 503 answers and returns the first success', async () => {
    const calls = sequence('/x', [() => new HttpResponse(null, { status: 500 }), () => new HttpResponse('busy', { status: 503 }), () => HttpResponse.json({ n: 3 })]);
    const { client } = makeClient();
    const res = await client.request<{ n: number }>({ method: 'POST', path: '/x', body: { a: 1 } });
    expect(res.body.n).toBe(3);
    expect(calls.count).toBe(3);
  });

  it('does not retry a 400 and surfaces its status and body', async () => {
    const calls = sequence('/x', [() => HttpResponse.json({ error: { message: 'bad' } }, { status: 400 })]);
    const { client } = makeClient();
    const error = await client.request({ method: 'POST', path: '/x', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(400);
    expect((error as HttpStatusError).body).toEqual({ error: { message: 'bad' } });
    expect(calls.count).toBe(1);
  });

  it('does not retry a 404', async () => {
    const calls = sequence('/x', [() => new HttpResponse(null, { status: 404 })]);
    const { client } = makeClient();
    await expect(client.request({ method: 'GET', path: '/x' })).rejects.toMatchObject({ status: 404 });
    expect(calls.count).toBe(1);
  });

  it('surfaces a 429 that persists through every attempt as the 429 itself', async () => {
    const calls = sequence('/x', [() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '1' } })]);
    const { client } = makeClient();
    await expect(client.request({ method: 'GET', path: '/x' })).rejects.toMatchObject({ name: 'HttpStatusError', status: 429 });
    expect(calls.count).toBe(3);
  });

  it('turns persistent 5xx answers into DependencyUnavailableError after maxAttempts', async () => {
    const calls = sequence('/x', [() => new HttpResponse(null, { status: 502 })]);
    const { client } = makeClient();
    await expect(client.request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(calls.count).toBe(3);
  });

  it('caps a huge Retry-After at one minute', async () => {
    sequence('/x', [() => new HttpResponse(null, { status: 503, headers: { 'retry-after': '86400' } }), () => HttpResponse.json({})]);
    const { client, sleeps } = makeClient();
    await client.request({ method: 'GET', path: '/x' });
    expect(sleeps).toEqual([60_000]);
  });

  it('backs off within the jittered exponential bound when no Retry-After is given', async () => {
    sequence('/x', [() => new HttpResponse(null, { status: 500 })]);
    const { client, sleeps } = makeClient();
    await client.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(10);
    expect(sleeps[1]).toBeLessThanOrEqual(20);
  });
});

describe('HttpClient timeout', () => {
  it('aborts an attempt that exceeds the timeout and retries it', async () => {
    const calls = sequence('/slow', [
      async () => {
        await delay('infinite');
        return HttpResponse.json({});
      },
      () => HttpResponse.json({ fast: true }),
    ]);
    const { client } = makeClient({ timeoutMs: 50 });
    const res = await client.request<{ fast: boolean }>({ method: 'GET', path: '/slow' });
    expect(res.body.fast).toBe(true);
    expect(calls.count).toBe(2);
  });

  it('reports a dependency that never answers in time as unavailable', async () => {
    sequence('/slow', [
      async () => {
        await delay('infinite');
        return HttpResponse.json({});
      },
    ]);
    const { client } = makeClient({ timeoutMs: 30, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(client.request({ method: 'GET', path: '/slow' })).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('HttpClient circuit breaker', () => {
  it('opens after the failure threshold and fails fast without calling the dependency', async () => {
    const calls = sequence('/x', [() => new HttpResponse(null, { status: 503 })]);
    const { client } = makeClient({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(client.request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(client.request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(calls.count).toBe(2);
    await expect(client.request({ method: 'GET', path: '/x' })).rejects.toThrow(/paused/);
    expect(calls.count).toBe(2);
  });

  it('lets a trial call through after the reset period and closes again when it succeeds', async () => {
    const calls = sequence('/x', [() => new HttpResponse(null, { status: 503 }), () => new HttpResponse(null, { status: 503 }), () => HttpResponse.json({ back: true })]);
    const { client, advance } = makeClient({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    await client.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    await client.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    advance(30_001);
    const res = await client.request<{ back: boolean }>({ method: 'GET', path: '/x' });
    expect(res.body.back).toBe(true);
    expect(calls.count).toBe(3);
    await client.request({ method: 'GET', path: '/x' });
    expect(calls.count).toBe(4);
  });

  it('re-opens at once when the trial call after the reset period fails', async () => {
    const calls = sequence('/x', [() => new HttpResponse(null, { status: 503 })]);
    const { client, advance } = makeClient({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    await client.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    await client.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    advance(30_001);
    await client.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    expect(calls.count).toBe(3);
    await expect(client.request({ method: 'GET', path: '/x' })).rejects.toThrow(/paused/);
    expect(calls.count).toBe(3);
  });

  it('keeps the circuit closed while the dependency answers with client errors', async () => {
    const calls = sequence('/x', [() => new HttpResponse(null, { status: 422 })]);
    const { client } = makeClient({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    for (let i = 0; i < 4; i++) await client.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    expect(calls.count).toBe(4);
  });
});

describe('HttpClient requests', () => {
  it('sends JSON bodies, query parameters and configured headers', async () => {
    let seen: { url: string; auth: string | null; type: string | null; body: unknown } | undefined;
    server.use(
      http.post(`${BASE}/y`, async ({ request }) => {
        seen = { url: request.url, auth: request.headers.get('authorization'), type: request.headers.get('content-type'), body: await request.json() };
        return HttpResponse.json({});
      }),
    );
    const { client } = makeClient({ headers: { authorization: 'Bearer t' } });
    await client.request({ method: 'POST', path: '/y', query: { a: 1, b: undefined }, body: { k: 'v' } });
    expect(seen).toEqual({ url: `${BASE}/y?a=1`, auth: 'Bearer t', type: 'application/json', body: { k: 'v' } });
  });

  it('rebuilds a raw body for each attempt so a retried upload sends the whole body again', async () => {
    const bodies: string[] = [];
    server.use(
      http.post(`${BASE}/upload`, async ({ request }) => {
        bodies.push(await request.text());
        return bodies.length === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({ id: 'f' });
      }),
    );
    const { client } = makeClient();
    let built = 0;
    await client.request({
      method: 'POST',
      path: '/upload',
      rawBody: () => {
        built += 1;
        return { body: 'payload-bytes', contentType: 'text/plain' };
      },
    });
    expect(built).toBe(2);
    expect(bodies).toEqual(['payload-bytes', 'payload-bytes']);
  });
});

describe('Retry-After and backoff helpers', () => {
  it('parses seconds and HTTP dates and ignores garbage', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(null)).toBeUndefined();
  });

  it('never exceeds the exponential cap', () => {
    expect(backoffMs(10, { baseMs: 100, maxMs: 1000 }, () => 0.9999)).toBeLessThanOrEqual(1000);
    expect(backoffMs(2, { baseMs: 100, maxMs: 1000 }, () => 0.5)).toBe(100);
  });
});
