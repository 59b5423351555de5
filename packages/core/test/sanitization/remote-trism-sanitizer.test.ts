import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../src/shared/errors.js';
import { RemoteTrismSanitizer } from '../../src/adapters/trism-sanitizer/remote-trism-sanitizer.js';

const BASE = 'https://trism.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const noSleep = async (): Promise<void> => {};
const sanitizer = (batchSize = 2): RemoteTrismSanitizer => new RemoteTrismSanitizer({ baseUrl: BASE, apiKey: 'orch-key', batchSize, sleep: noSleep, retry: { maxAttempts: 2 } });

/** A TRiSM stand-in that redacts "secret" and counts it, as the contract describes. */
const redactingHandler = (calls: unknown[]) =>
  http.post(`${BASE}/v1/sanitize`, async ({ request }) => {
    const body = (await request.json()) as { items: { id: string; text: string }[]; policy: string };
    calls.push({ auth: request.headers.get('authorization'), body });
    return HttpResponse.json({
      items: body.items.map((i) => ({
        id: i.id,
        text: i.text.replaceAll('secret', '[SECRET]'),
        findings: i.text.includes('secret') ? [{ type: 'secret', count: i.text.split('secret').length - 1 }] : [],
      })),
    });
  });

describe('RemoteTrismSanitizer', () => {
  it('sends items in batches with the bearer key and the policy, and keeps their order', async () => {
    const calls: { auth: string; body: { items: unknown[]; policy: string } }[] = [];
    server.use(redactingHandler(calls));
    const out = await sanitizer(2).sanitize(
      [
        { id: '1', text: 'a secret' },
        { id: '2', text: 'clean' },
        { id: '3', text: 'secret secret' },
      ],
      'drop_record',
    );
    expect(calls).toHaveLength(2);
    expect(calls[0]!.auth).toBe('Bearer orch-key');
    expect(calls[0]!.body.policy).toBe('drop_record');
    expect(calls.map((c) => c.body.items.length)).toEqual([2, 1]);
    expect(out).toEqual([
      { id: '1', text: 'a [SECRET]', findings: [{ type: 'secret', count: 1 }] },
      { id: '2', text: 'clean', findings: [] },
      { id: '3', text: '[SECRET] [SECRET]', findings: [{ type: 'secret', count: 2 }] },
    ]);
  });

  it('retries a 503 and succeeds on the next attempt', async () => {
    let attempts = 0;
    const calls: unknown[] = [];
    const ok = redactingHandler(calls);
    server.use(
      http.post(`${BASE}/v1/sanitize`, () => {
        attempts += 1;
        return attempts === 1 ? new HttpResponse(null, { status: 503 }) : undefined;
      }),
      ok,
    );
    const out = await sanitizer().sanitize([{ id: 'x', text: 'secret' }], 'redact');
    expect(attempts).toBe(2);
    expect(out[0]!.text).toBe('[SECRET]');
  });

  it('refuses an answer that leaves an item out, so no unsanitized text slips through', async () => {
    server.use(http.post(`${BASE}/v1/sanitize`, () => HttpResponse.json({ items: [] })));
    await expect(sanitizer().sanitize([{ id: 'x', text: 'hello' }], 'redact')).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('reports the dependency as unavailable when TRiSM keeps failing', async () => {
    server.use(http.post(`${BASE}/v1/sanitize`, () => new HttpResponse(null, { status: 502 })));
    await expect(sanitizer().sanitize([{ id: 'x', text: 'hello' }], 'redact')).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('scans a text and returns the verdict, findings and risk score', async () => {
    server.use(
      http.post(`${BASE}/v1/scan`, async ({ request }) => {
        const body = (await request.json()) as { text: string };
        return HttpResponse.json({ safe: false, findings: [{ type: 'email', count: body.text.length > 0 ? 1 : 0 }], risk_score: 0.3 });
      }),
    );
    expect(await sanitizer().scan('mail me')).toEqual({ safe: false, findings: [{ type: 'email', count: 1 }], risk_score: 0.3 });
  });

  it('rejects a scan answer of the wrong shape', async () => {
    server.use(http.post(`${BASE}/v1/scan`, () => HttpResponse.json({ ok: true })));
    await expect(sanitizer().scan('x')).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
