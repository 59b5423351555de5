import ky, { HTTPError, TimeoutError, type KyInstance, type RetryOptions } from 'ky';
import { ApiPromise, type ApiResponse } from './api-promise.js';
import { backoffDelay, parseRetryAfter, type BackoffOptions } from './backoff.js';
import type { ApiRequest, FtmOptions, HttpMethod } from './client-options.js';
import { readEnv } from './env.js';
import { ApiConnectionError, ApiError, ApiTimeoutError, ApiUserAbortError, type ProblemDetails } from './errors.js';
import { buildQuery } from './query-string.js';

// The contract requires Idempotency-Key on POST and PATCH; DELETE is idempotent by nature.
const MUTATING: ReadonlySet<HttpMethod> = new Set(['POST', 'PATCH', 'PUT']);
const SDK_VERSION = '0.1.0';
/** Where `ftm start` listens by default. */
export const DEFAULT_BASE_URL = 'http://localhost:8080';
// Every method may be retried: mutating calls carry one Idempotency-Key across attempts.
const RETRY_METHODS: NonNullable<RetryOptions['methods']> = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
// 409 only when the problem code says the same key is still in flight (checked in shouldRetry).
const RETRY_STATUSES = [408, 409, 429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

/** A successful answer with the response it came from (headers, status). */
export type ApiResult<T> = ApiResponse<T>;

/**
 * The one request function every resource method delegates to: auth, idempotency key, per-attempt
 * timeout, retries (ky's retry engine with our policy: backoff with full jitter, Retry-After, the
 * in-flight 409), and mapping failures to `ApiError`s.
 */
export class ApiClient {
  readonly baseUrl: string;
  private readonly http: KyInstance;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly backoff: BackoffOptions;
  /** Problem bodies read while deciding on a retry, so the final error still has them. */
  private readonly problems = new WeakMap<Response, ProblemDetails | undefined>();

  constructor(private readonly options: FtmOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('Ftm: options must be an object, e.g. new Ftm({ baseUrl, apiKey })');
    const baseUrl = options.baseUrl ?? readEnv('FTM_BASE_URL') ?? DEFAULT_BASE_URL;
    if (typeof baseUrl !== 'string' || baseUrl === '') {
      throw new TypeError('Ftm: `baseUrl` must be a URL, e.g. new Ftm({ baseUrl: "http://localhost:8080", apiKey })');
    }
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.backoff = {
      initialDelayMs: options.initialRetryDelayMs ?? 500,
      maxDelayMs: options.maxRetryDelayMs ?? 30_000,
    };
    const headers: Record<string, string> = { 'x-ftm-sdk': `ts/${SDK_VERSION}`, ...options.defaultHeaders };
    const apiKey = options.apiKey ?? readEnv('FTM_API_KEY');
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    this.http = ky.create({
      prefixUrl: this.baseUrl,
      headers,
      // 304 is an answer (ETag revalidation), not an error.
      throwHttpErrors: (status) => status !== 304,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /**
   * Sends the request; the promise resolves to the parsed JSON body (undefined for 204).
   * `.withResponse()` and `.asResponse()` give the raw response.
   */
  request<T>(req: ApiRequest): ApiPromise<T> {
    return new ApiPromise(this.send(req), parseBody as (response: Response) => Promise<T>);
  }

  /** Sends the request; the promise resolves to the successful response itself, body unread (downloads). */
  raw(req: ApiRequest, extra: { timeout?: false } = {}): ApiPromise<Response> {
    return new ApiPromise(this.send(req, extra), (response) => response);
  }

  /** Like `request`, awaited with the response (ETags, replay markers). */
  requestWithResponse<T>(req: ApiRequest): Promise<ApiResult<T>> {
    return this.request<T>(req).withResponse();
  }

  /**
   * Sends with retries and returns the successful response unread (or any 304), for streams and
   * downloads. Non-2xx answers become ApiErrors.
   */
  async send(req: ApiRequest, extra: { timeout?: false } = {}): Promise<Response> {
    const opts = req.options ?? {};
    const streamedBody = typeof ReadableStream !== 'undefined' && req.body instanceof ReadableStream;
    // A streamed body cannot be replayed, so it gets exactly one attempt.
    const maxRetries = streamedBody ? 0 : (opts.maxRetries ?? this.maxRetries);
    const idempotencyKey = MUTATING.has(req.method) ? (opts.idempotencyKey ?? newIdempotencyKey()) : undefined;
    const headers: Record<string, string> = { accept: req.accept ?? 'application/json', ...req.headers, ...opts.headers };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    if (req.contentType) headers['content-type'] = req.contentType;
    // The query goes into the URL here: ky would build its Request twice for `searchParams`.
    const query = buildQuery(req.query);
    const path = req.path.replace(/^\/+/, '') + (query ? `?${query.toString()}` : '');
    try {
      return await this.http(path, {
        method: req.method,
        headers,
        ...bodyOption(req),
        timeout: extra.timeout === false ? false : (opts.timeoutMs ?? this.timeoutMs),
        retry: maxRetries > 0 ? this.retryPolicy(req, idempotencyKey, maxRetries, opts.signal) : 0,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (cause) {
      throw await this.toApiError(cause, opts.signal);
    }
  }

  /**
   * ky's retry options for one call: every method, 408/409/429/5xx and network errors and
   * timeouts; a 409 only when its key is still in flight. The delay is ours (Retry-After or
   * `Retry-After-Ms` capped at `maxRetryDelayMs`, else exponential backoff with full jitter), and
   * `onRetry` hears about it before the wait.
   */
  private retryPolicy(req: ApiRequest, idempotencyKey: string | undefined, limit: number, signal: AbortSignal | undefined): RetryOptions {
    let failed: unknown;
    return {
      limit,
      methods: RETRY_METHODS,
      statusCodes: RETRY_STATUSES,
      afterStatusCodes: [],
      retryOnTimeout: true,
      backoffLimit: this.backoff.maxDelayMs,
      shouldRetry: async ({ error }) => {
        if (signal?.aborted) return false;
        failed = error;
        if (!(error instanceof HTTPError)) return undefined;
        // Reading the body frees the connection; the final error reuses what was read.
        const problem = await readProblem(error.response);
        this.problems.set(error.response, problem);
        if (error.response.status === 409) return problem?.code === 'idempotency_key_in_flight' ? undefined : false;
        return undefined;
      },
      delay: (attempt) => {
        const response = failed instanceof HTTPError ? failed.response : undefined;
        const retryAfterMs = response ? parseRetryAfter(response.headers) : undefined;
        const delayMs = retryAfterMs !== undefined ? Math.min(retryAfterMs, this.backoff.maxDelayMs) : backoffDelay(attempt - 1, this.backoff);
        this.options.onRetry?.({ attempt, delayMs, method: req.method, path: req.path, status: response?.status, idempotencyKey });
        return delayMs;
      },
    };
  }

  private async toApiError(cause: unknown, signal: AbortSignal | undefined): Promise<ApiError> {
    if (signal?.aborted) return new ApiUserAbortError();
    if (cause instanceof HTTPError) {
      const { response } = cause;
      const problem = this.problems.has(response) ? this.problems.get(response) : await readProblem(response);
      return ApiError.generate(response.status, problem, response.statusText || undefined, response.headers);
    }
    if (cause instanceof TimeoutError) return new ApiTimeoutError({ cause });
    return new ApiConnectionError({ cause });
  }
}

function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

function bodyOption(req: ApiRequest): { json?: unknown; body?: BodyInit } {
  if (req.body === undefined) return {};
  if (req.contentType) return { body: req.body as BodyInit };
  return { json: req.body };
}

/** The body of a successful response: parsed JSON, text, or undefined for 204/304 and empty bodies. */
export async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 304) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) return JSON.parse(text);
  return text;
}

async function readProblem(response: Response): Promise<ProblemDetails | undefined> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  if (text === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ProblemDetails) : undefined;
  } catch {
    return { detail: text.slice(0, 500) };
  }
}

