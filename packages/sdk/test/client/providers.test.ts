import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { BASE, testClient, useMockServer } from '../support/server.js';

const server = useMockServer();
const credential = (scope: 'tenant' | 'project', id: string) => ({
  id,
  provider: 'together',
  project_id: scope === 'tenant' ? null : '0193a8f2-1c00-7a10-8b2e-3f1d2c4b5a01',
  scope,
  fields: ['api_key'],
  created_by: 'api_key:x',
  updated_by: 'api_key:x',
  created_at: '2026-12-07T10:00:00.000Z',
  updated_at: '2026-12-07T10:00:00.000Z',
});

describe('providers', () => {
  it('sets a credential with PUT and an Idempotency-Key, reused on a retry', async () => {
    const seen: { method: string; key: string | null; body: unknown }[] = [];
    let calls = 0;
    server.use(
      http.put(`${BASE}/providers/together/credentials`, async ({ request }) => {
        seen.push({ method: request.method, key: request.headers.get('idempotency-key'), body: await request.json() });
        calls += 1;
        if (calls === 1) return HttpResponse.json({ type: 'about:blank', title: 'busy', status: 503 }, { status: 503 });
        return HttpResponse.json(credential('tenant', '0193a8f2-5b7c-7d3e-9a41-2f6c8e1d4b90'), { status: 201 });
      }),
    );
    const { ftm } = testClient();
    const stored = await ftm.providers.setCredential('together', { api_key: 'tg-key' });
    expect(stored.scope).toBe('tenant');
    expect(seen).toHaveLength(2);
    expect(seen[0]!.key).toBeTruthy();
    expect(seen[1]!.key).toBe(seen[0]!.key);
    expect(seen[0]!.body).toEqual({ api_key: 'tg-key' });
  });

  it('lists credentials across pages and deletes one scope by query', async () => {
    const deleted: (string | null)[] = [];
    server.use(
      http.get(`${BASE}/providers/together/credentials`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        return cursor
          ? HttpResponse.json({ data: [credential('project', '0193a8f2-5b7c-7d3e-9a41-2f6c8e1d4b92')], next_cursor: null })
          : HttpResponse.json({ data: [credential('tenant', '0193a8f2-5b7c-7d3e-9a41-2f6c8e1d4b91')], next_cursor: 'c2' });
      }),
      http.delete(`${BASE}/providers/together/credentials`, ({ request }) => {
        deleted.push(new URL(request.url).searchParams.get('project_id'));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { ftm } = testClient();
    const scopes: string[] = [];
    for await (const c of ftm.providers.listCredentials('together')) scopes.push(c.scope);
    expect(scopes).toEqual(['tenant', 'project']);
    await ftm.providers.deleteCredential('together', { project_id: '0193a8f2-1c00-7a10-8b2e-3f1d2c4b5a01' });
    expect(deleted).toEqual(['0193a8f2-1c00-7a10-8b2e-3f1d2c4b5a01']);
  });

  it('lists providers with their retirement dates', async () => {
    server.use(http.get(`${BASE}/providers`, () => HttpResponse.json({ data: [{ name: 'openai', retirement: { new_jobs_end_on: '2027-01-06' } }], next_cursor: null })));
    const { ftm } = testClient();
    const ends: (string | null | undefined)[] = [];
    for await (const p of ftm.providers.list()) ends.push(p.retirement?.new_jobs_end_on);
    expect(ends).toEqual(['2027-01-06']);
  });
});
