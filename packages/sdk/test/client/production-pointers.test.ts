import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { BASE, testClient, useMockServer } from '../support/server.js';

const server = useMockServer();
const resolved = (version: number) => ({
  pointer_id: '0193a8f2-5b7c-7d3e-9a41-2f6c8e1d4b90',
  matched: 'assistant',
  target: { type: 'assistant', value: 'support' },
  model_version_id: '0193a8f2-5b7c-7d3e-9a41-2f6c8e1d4b91',
  provider: 'openai',
  provider_model_id: `ft:gpt-4o-mini:acme::v${version}`,
  version,
});

describe('productionPointers.resolve', () => {
  it('revalidates with If-None-Match and returns the cached value on 304', async () => {
    const sent: (string | null)[] = [];
    let version = 1;
    server.use(
      http.get(`${BASE}/production-pointers/resolve`, ({ request }) => {
        const tag = `"v${version}"`;
        sent.push(request.headers.get('if-none-match'));
        if (request.headers.get('if-none-match') === tag) return new HttpResponse(null, { status: 304, headers: { etag: tag } });
        return HttpResponse.json(resolved(version), { headers: { etag: tag } });
      }),
    );
    const { ftm } = testClient();
    const first = await ftm.productionPointers.resolve({ assistant: 'support' });
    const second = await ftm.productionPointers.resolve({ assistant: 'support' });
    expect(second).toEqual(first);
    version = 2;
    const third = await ftm.productionPointers.resolve({ assistant: 'support' });
    expect(third.version).toBe(2);
    expect(sent).toEqual([null, '"v1"', '"v1"']);
  });

  it('caches per target', async () => {
    const sent: (string | null)[] = [];
    server.use(
      http.get(`${BASE}/production-pointers/resolve`, ({ request }) => {
        sent.push(request.headers.get('if-none-match'));
        const assistant = new URL(request.url).searchParams.get('assistant');
        return HttpResponse.json(resolved(1), { headers: { etag: `"${assistant}"` } });
      }),
    );
    const { ftm } = testClient();
    await ftm.productionPointers.resolve({ assistant: 'a' });
    await ftm.productionPointers.resolve({ assistant: 'b' });
    await ftm.productionPointers.resolve({ assistant: 'a' });
    expect(sent).toEqual([null, null, '"a"']);
  });
});
