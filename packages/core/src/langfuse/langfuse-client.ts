import { ConflictError, DependencyUnavailableError } from '../shared/errors.js';
import { backoffMs, sleep } from '../shared/backoff.js';

/** Where a Langfuse project's public API is and the key pair that reads it (Basic auth). */
export interface LangfuseConnection {
  /** `https://cloud.langfuse.com`, a regional cloud host, or a self-hosted Langfuse. */
  readonly baseUrl: string;
  readonly publicKey: string;
  readonly secretKey: string;
}

/** An observation of the v2 list (`ObservationV2`), only the fields the source reads. */
export interface LangfuseObservation {
  readonly id: string;
  readonly traceId?: string | null;
  readonly startTime?: string;
  readonly type?: string;
  readonly name?: string | null;
  readonly environment?: string | null;
  readonly userId?: string | null;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly metadata?: unknown;
  readonly providedModelName?: string | null;
  readonly tags?: readonly string[] | null;
}

/** A score of the v3 list (`ScoreV3` with the `subject` group): the value's type follows `dataType`. */
export interface LangfuseScore {
  readonly id: string;
  readonly name: string;
  readonly dataType: 'NUMERIC' | 'BOOLEAN' | 'CATEGORICAL' | 'TEXT' | 'CORRECTION';
  readonly value: number | boolean | string;
  readonly subject?: { readonly kind: 'trace' | 'observation' | 'session' | 'experiment'; readonly id: string; readonly traceId?: string | null } | null;
}

/** One page of a cursor-paginated list; `cursor` is absent on the last page. */
export interface LangfusePage<T> {
  readonly data: readonly T[];
  readonly cursor: string | null;
}

/** A condition of the v2 observations `filter` parameter (Langfuse's documented structure). */
export interface LangfuseFilterCondition {
  readonly type: 'datetime' | 'string' | 'stringOptions' | 'arrayOptions';
  readonly column: string;
  readonly operator: string;
  readonly value: unknown;
}

export interface LangfuseClientOptions {
  readonly fetch?: typeof fetch;
  /** Per request (default 15 s). */
  readonly timeoutMs?: number;
  /** Retries of a 429, a 5xx or a network error (default 2), with exponential backoff and jitter. */
  readonly retries?: number;
  /** First backoff (default 500 ms); a `Retry-After` is honoured up to `maxBackoffMs`. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** The field groups the source needs: ids and time (core), name/user/environment (basic), input/output, model, trace tags. */
const OBSERVATION_FIELDS = 'core,basic,io,model,trace_context';

/**
 * The slice of Langfuse's public API a dataset build reads: generations (`GET
 * /api/public/v2/observations`) and their scores (`GET /api/public/v3/scores`), both
 * cursor-paginated. Every call has a timeout and a bounded retry; an outage ends as
 * DependencyUnavailableError (the build job retries and resumes), a refused key as a
 * ConflictError. Keys never appear in errors.
 */
export class LangfuseClient {
  readonly #fetch: typeof fetch;
  readonly #auth: string;
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;

  constructor(connection: LangfuseConnection, options: LangfuseClientOptions = {}) {
    this.#fetch = options.fetch ?? fetch;
    this.#auth = `Basic ${Buffer.from(`${connection.publicKey}:${connection.secretKey}`, 'utf8').toString('base64')}`;
    this.#base = connection.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#retries = options.retries ?? 2;
    this.#backoffMs = options.backoffMs ?? 500;
    this.#maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  /** One page of observations matching `filter` (which, per the document, overrides the single-field parameters). */
  async observations(input: { filter: readonly LangfuseFilterCondition[]; limit: number; cursor: string | null }, signal?: AbortSignal): Promise<LangfusePage<LangfuseObservation>> {
    const query = new URLSearchParams({ fields: OBSERVATION_FIELDS, limit: String(input.limit), filter: JSON.stringify(input.filter) });
    if (input.cursor) query.set('cursor', input.cursor);
    const body = await this.#get('/api/public/v2/observations', query, signal);
    return { data: body.data as LangfuseObservation[], cursor: typeof body.meta?.cursor === 'string' && body.meta.cursor !== '' ? body.meta.cursor : null };
  }

  /** One page (at most 100, the documented maximum) of the named scores of these traces, with their subjects. */
  async scores(input: { traceIds: readonly string[]; names: readonly string[]; cursor: string | null }, signal?: AbortSignal): Promise<LangfusePage<LangfuseScore>> {
    const query = new URLSearchParams({ traceId: input.traceIds.join(','), name: input.names.join(','), fields: 'subject', limit: '100' });
    if (input.cursor) query.set('cursor', input.cursor);
    const body = await this.#get('/api/public/v3/scores', query, signal);
    return { data: body.data as LangfuseScore[], cursor: typeof body.meta?.cursor === 'string' && body.meta.cursor !== '' ? body.meta.cursor : null };
  }

  async #get(path: string, query: URLSearchParams, signal?: AbortSignal): Promise<{ data: unknown[]; meta?: { cursor?: unknown } }> {
    const url = `${this.#base}${path}?${query.toString()}`;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(this.#timeoutMs);
        response = await this.#fetch(url, { headers: { authorization: this.#auth, accept: 'application/json' }, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      } catch (error) {
        if (signal?.aborted) throw error;
        if (attempt < this.#retries) {
          await this.#wait(attempt, null, signal);
          continue;
        }
        throw new DependencyUnavailableError('langfuse', `Langfuse did not answer ${path}`, { cause: error });
      }
      if (response.ok) {
        const body = (await response.json()) as { data?: unknown; meta?: { cursor?: unknown } };
        if (!Array.isArray(body.data)) throw new DependencyUnavailableError('langfuse', `Langfuse answered ${path} without a data list`);
        return body as { data: unknown[]; meta?: { cursor?: unknown } };
      }
      await response.body?.cancel();
      if (response.status === 401 || response.status === 403) {
        throw new ConflictError(`Langfuse refused the stored key pair (${response.status}); an admin can replace it (PUT /integrations/langfuse/credentials)`, 'langfuse_unauthorized');
      }
      const transient = response.status === 429 || response.status >= 500;
      if (transient && attempt < this.#retries) {
        await this.#wait(attempt, response.headers.get('retry-after'), signal);
        continue;
      }
      if (transient) throw new DependencyUnavailableError('langfuse', `Langfuse answered ${path} with ${response.status}`);
      throw new ConflictError(`Langfuse refused the request to ${path} (${response.status})`, 'langfuse_request_refused');
    }
  }

  async #wait(attempt: number, retryAfter: string | null, signal?: AbortSignal): Promise<void> {
    const seconds = retryAfter !== null ? Number(retryAfter) : Number.NaN;
    const base = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : backoffMs(attempt + 1, { baseMs: this.#backoffMs, maxMs: Infinity, jitter: 'equal' });
    await sleep(Math.min(base, this.#maxBackoffMs), signal);
  }
}
