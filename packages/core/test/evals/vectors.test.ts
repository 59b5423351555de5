import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { HttpVectorStore } from '../../src/vectors/http-vector-store.js';
import { OpenAiEmbedder } from '../../src/vectors/openai-embedder.js';
import { LocalEmbedder } from '../../src/vectors/local-embedder.js';
import { cosineSimilarity, exactTopK } from '../../src/vectors/cosine.js';
import { DependencyUnavailableError, NotFoundError } from '../../src/shared/errors.js';

const VEC = 'https://vectors.test';
const OPENAI = 'https://api.openai.test/v1';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const store = () => new HttpVectorStore({ baseUrl: VEC, apiKey: 'orch-key', sleep: async () => {} });

describe('HttpVectorStore', () => {
  it('upserts in batches of 500 with the bearer credential', async () => {
    const sizes: number[] = [];
    server.use(
      http.post(`${VEC}/v1/collections/:name/upsert`, async ({ request, params }) => {
        expect(params.name).toBe('ftm-eval-cases-s1');
        expect(request.headers.get('authorization')).toBe('Bearer orch-key');
        const body = (await request.json()) as { points: { id: string; vector: number[]; metadata: Record<string, string> }[] };
        sizes.push(body.points.length);
        return HttpResponse.json({ upserted: body.points.length });
      }),
    );
    await store().upsert(
      'ftm-eval-cases-s1',
      Array.from({ length: 1200 }, (_, i) => ({ id: `p${i}`, vector: [i, 1], metadata: { suite_id: 's1' } })),
    );
    expect(sizes).toEqual([500, 500, 200]);
  });

  it('queries and returns matches best first, at most top_k', async () => {
    server.use(
      http.post(`${VEC}/v1/collections/kb/query`, async ({ request }) => {
        expect(await request.json()).toEqual({ vector: [0.1, 0.2], top_k: 2 });
        return HttpResponse.json({
          matches: [
            { id: 'b', score: 0.5 },
            { id: 'a', score: 0.9 },
          ],
        });
      }),
    );
    expect(await store().query('kb', [0.1, 0.2], 2)).toEqual([
      { id: 'a', score: 0.9 },
      { id: 'b', score: 0.5 },
    ]);
  });

  it('maps an unknown collection to NotFoundError', async () => {
    server.use(http.post(`${VEC}/v1/collections/missing/query`, () => HttpResponse.json({ title: 'not found' }, { status: 404 })));
    await expect(store().query('missing', [1], 1)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('fails closed on a body that does not match the contract', async () => {
    server.use(http.post(`${VEC}/v1/collections/kb/query`, () => HttpResponse.json({ results: [] })));
    await expect(store().query('kb', [1], 1)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('OpenAiEmbedder', () => {
  it('embeds in order even when the list comes back shuffled', async () => {
    server.use(
      http.post(`${OPENAI}/embeddings`, async ({ request }) => {
        const body = (await request.json()) as { model: string; input: string[] };
        expect(body.model).toBe('text-embedding-3-small');
        return HttpResponse.json({
          object: 'list',
          data: body.input.map((_, i) => ({ object: 'embedding', index: i, embedding: [i, i + 0.5] })).reverse(),
          model: 'text-embedding-3-small',
          usage: { prompt_tokens: 8, total_tokens: 8 },
        });
      }),
    );
    const e = new OpenAiEmbedder({ apiKey: 'sk-x', baseUrl: OPENAI, sleep: async () => {} });
    expect(await e.embed(['a', 'b', 'c'])).toEqual([
      [0, 0.5],
      [1, 1.5],
      [2, 2.5],
    ]);
  });
});

describe('local embeddings and exact cosine', () => {
  it('are deterministic, normalised, and put related texts closer', async () => {
    const e = new LocalEmbedder();
    const [a, b, c] = await e.embed(['reset the router password', 'router password reset steps', 'bake sourdough bread']);
    expect(await e.embed(['reset the router password'])).toEqual([a]);
    expect(cosineSimilarity(a!, a!)).toBeCloseTo(1, 9);
    expect(cosineSimilarity(a!, b!)).toBeGreaterThan(cosineSimilarity(a!, c!));
  });

  it('ranks exactly, keeping input order on ties', () => {
    const points = [
      { id: 'x', vector: [1, 0] },
      { id: 'y', vector: [0, 1] },
      { id: 'z', vector: [1, 0] },
    ];
    expect(exactTopK([1, 0], points, 2).map((m) => m.id)).toEqual(['x', 'z']);
  });
});
