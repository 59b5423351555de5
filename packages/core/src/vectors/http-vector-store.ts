import { z } from 'zod';
import { HttpClient, HttpStatusError, type RetryPolicy } from '../shared/http-client.js';
import { DependencyUnavailableError, NotFoundError } from '../shared/errors.js';
import type { VectorMatch } from './cosine.js';
import type { VectorPoint, VectorStore } from './vector-store.js';

/** Where the vector store is and FTM's credential for it. */
export interface HttpVectorStoreOptions {
  /** FTM_VECTOR_URL; `/v1/collections/…` is appended. */
  readonly baseUrl: string;
  /** FTM_ORCHESTRATOR_API_KEY, sent as a bearer token. */
  readonly apiKey: string;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Largest upsert batch the contract allows. */
export const VECTOR_UPSERT_BATCH = 500;

const UpsertAnswer = z.object({ upserted: z.number().int().nonnegative() });
const QueryAnswer = z.object({ matches: z.array(z.object({ id: z.string().min(1), score: z.number() })) });

/** The vector store contract over HTTP: 10 s per attempt, 3 attempts, circuit breaker. */
export class HttpVectorStore implements VectorStore {
  readonly name = 'vector_store';
  readonly #client: HttpClient;

  constructor(options: HttpVectorStoreOptions) {
    this.#client = new HttpClient({
      name: 'vector_store',
      baseUrl: options.baseUrl,
      headers: { authorization: `Bearer ${options.apiKey}` },
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: { maxAttempts: 3, ...options.retry },
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }

  async upsert(collection: string, points: readonly VectorPoint[]): Promise<void> {
    for (let i = 0; i < points.length; i += VECTOR_UPSERT_BATCH) {
      const batch = points.slice(i, i + VECTOR_UPSERT_BATCH);
      const body = await this.#post(collection, 'upsert', { points: batch.map((p) => ({ id: p.id, vector: p.vector, metadata: p.metadata ?? {} })) });
      if (!UpsertAnswer.safeParse(body).success) throw new DependencyUnavailableError('vector_store', 'the vector store answered an upsert with an unexpected body');
    }
  }

  async query(collection: string, vector: readonly number[], topK: number): Promise<readonly VectorMatch[]> {
    const parsed = QueryAnswer.safeParse(await this.#post(collection, 'query', { vector, top_k: topK }));
    if (!parsed.success) throw new DependencyUnavailableError('vector_store', 'the vector store answered a query with an unexpected body');
    return [...parsed.data.matches].sort((a, b) => b.score - a.score).slice(0, topK);
  }

  async #post(collection: string, verb: 'upsert' | 'query', body: unknown): Promise<unknown> {
    try {
      return (await this.#client.request({ method: 'POST', path: `/v1/collections/${encodeURIComponent(collection)}/${verb}`, body })).body;
    } catch (error) {
      if (!(error instanceof HttpStatusError)) throw error;
      if (error.status === 404 && verb === 'query') throw new NotFoundError('vector collection', collection);
      // Any other refusal is a contract mismatch or a bad credential: unavailable to FTM's caller.
      throw new DependencyUnavailableError('vector_store', `the vector store refused the ${verb} (HTTP ${error.status})`);
    }
  }
}
