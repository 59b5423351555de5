import { z } from 'zod';
import { HttpClient, HttpStatusError, type RetryPolicy } from '../shared/http-client.js';
import { RateLimitedError } from '../shared/errors.js';
import { ProviderRequestError } from '../providers/provider-errors.js';
import type { Embedder } from './embedder.js';

/** An OpenAI(-compatible) embeddings endpoint. */
export interface OpenAiEmbedderOptions {
  readonly apiKey: string;
  readonly baseUrl?: string;
  /** OpenAI-Organization / OpenAI-Project headers (FTM_OPENAI_ORGANIZATION / FTM_OPENAI_PROJECT). */
  readonly organization?: string;
  readonly project?: string;
  /** `text-embedding-3-small` by default. */
  readonly model?: string;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The embeddings API accepts at most 2048 inputs per request. */
const MAX_INPUTS = 2048;

const EmbeddingList = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ object: z.literal('embedding'), index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  model: z.string(),
});

/** `POST /embeddings` behind the Embedder port, in batches, through HttpClient. */
export class OpenAiEmbedder implements Embedder {
  readonly name: string;
  readonly #client: HttpClient;
  readonly #model: string;

  constructor(options: OpenAiEmbedderOptions) {
    this.#model = options.model ?? 'text-embedding-3-small';
    this.name = this.#model;
    this.#client = new HttpClient({
      name: 'openai',
      baseUrl: options.baseUrl ?? 'https://api.openai.com/v1',
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(options.organization ? { 'openai-organization': options.organization } : {}),
        ...(options.project ? { 'openai-project': options.project } : {}),
      },
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, ...options.retry },
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }

  async embed(texts: readonly string[], options: { readonly signal?: AbortSignal } = {}): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += MAX_INPUTS) {
      const batch = texts.slice(i, i + MAX_INPUTS);
      let body: unknown;
      try {
        body = (await this.#client.request({ method: 'POST', path: '/embeddings', body: { model: this.#model, input: batch }, ...(options.signal ? { signal: options.signal } : {}) })).body;
      } catch (error) {
        if (!(error instanceof HttpStatusError)) throw error;
        if (error.status === 429) throw new RateLimitedError('openai is rate limiting embedding requests', Math.ceil((error.retryAfterMs ?? 1_000) / 1000));
        throw new ProviderRequestError('openai', error.status, 'the embeddings request was refused');
      }
      const parsed = EmbeddingList.safeParse(body);
      if (!parsed.success || parsed.data.data.length !== batch.length) throw new ProviderRequestError('openai', 200, 'answered with a body that does not match the embedding list');
      const ordered = [...parsed.data.data].sort((a, b) => a.index - b.index);
      out.push(...ordered.map((d) => d.embedding));
    }
    return out;
  }
}
