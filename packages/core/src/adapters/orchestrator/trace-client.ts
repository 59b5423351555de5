import { z } from 'zod';
import { Trace, type TraceQuery, type TraceSource } from '../../datasets/trace-source.js';
import { DependencyUnavailableError } from '../../shared/errors.js';
import { HttpClient, type HttpClientOptions } from '../../shared/http-client.js';

const TracePage = z.object({ data: z.array(Trace), next_cursor: z.string().nullish() });

/** Configuration of the Orchestrator trace client. */
export interface OrchestratorTraceClientConfig {
  /** FTM_ORCHESTRATOR_URL. */
  readonly baseUrl: string;
  /** FTM_ORCHESTRATOR_API_KEY, sent as a Bearer token. */
  readonly apiKey: string;
  /** Traces per page (the API's `limit`); default 100. */
  readonly pageSize?: number;
  readonly timeoutMs?: number;
  readonly retry?: HttpClientOptions['retry'];
  readonly breaker?: HttpClientOptions['breaker'];
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Pages through `GET /v1/traces?assistant_id&project_id&since&until&tags&min_rating&cursor&limit`
 * → { data: [Trace], next_cursor } with timeout, bounded retries and a circuit breaker. A page
 * that does not match the contract is DependencyUnavailableError: a build must not guess.
 */
export class OrchestratorTraceClient implements TraceSource {
  readonly #http: HttpClient;
  readonly #pageSize: number;

  constructor(config: OrchestratorTraceClientConfig) {
    this.#pageSize = Math.min(1000, Math.max(1, config.pageSize ?? 100));
    this.#http = new HttpClient({
      name: 'orchestrator',
      baseUrl: config.baseUrl,
      headers: { authorization: `Bearer ${config.apiKey}` },
      timeoutMs: config.timeoutMs ?? 15_000,
      retry: config.retry ?? { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 5_000 },
      ...(config.breaker ? { breaker: config.breaker } : {}),
      ...(config.fetch ? { fetch: config.fetch } : {}),
      ...(config.sleep ? { sleep: config.sleep } : {}),
    });
  }

  async *listTraces(query: TraceQuery, signal?: AbortSignal): AsyncGenerator<Trace> {
    let cursor: string | undefined;
    let yielded = 0;
    const max = query.max_records ?? Number.POSITIVE_INFINITY;
    const seenCursors = new Set<string>();
    do {
      const limit = Math.min(this.#pageSize, max - yielded);
      const res = await this.#http.request({
        method: 'GET',
        path: '/v1/traces',
        query: {
          assistant_id: query.assistant_id,
          project_id: query.project_id ?? undefined,
          since: query.since,
          until: query.until,
          tags: query.tags && query.tags.length > 0 ? query.tags.join(',') : undefined,
          min_rating: query.min_rating,
          cursor,
          limit,
        },
        ...(signal ? { signal } : {}),
      });
      const page = TracePage.safeParse(res.body);
      if (!page.success) throw new DependencyUnavailableError('orchestrator', 'the Orchestrator answered /v1/traces with an unexpected body');
      for (const trace of page.data.data) {
        if (yielded >= max) return;
        yielded += 1;
        yield trace;
      }
      cursor = page.data.next_cursor ?? undefined;
      // A cursor seen before would page forever; treat it as the end of a broken listing.
      if (cursor !== undefined) {
        if (seenCursors.has(cursor)) throw new DependencyUnavailableError('orchestrator', 'the Orchestrator returned the same trace cursor twice');
        seenCursors.add(cursor);
      }
    } while (cursor !== undefined && yielded < max);
  }
}
