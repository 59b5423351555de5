import ky, { HTTPError, TimeoutError, type KyInstance, type RetryOptions } from 'ky';
import { ApiPromise, type ApiResponse } from './api-promise.js';
import { backoffDelay, parseRetryAfter, sleep, type BackoffOptions } from './backoff.js';
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
  /** The client's own headers (SDK marker, auth, defaultHeaders), lower-cased for the fast path. */
  private readonly defaultHeaders: Record<string, string>;

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
    this.defaultHeaders = lowerCaseKeys(headers);
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
    const timeoutMs = extra.timeout === false ? false : (opts.timeoutMs ?? this.timeoutMs);
    const call: Call = { req, path, headers, timeoutMs, maxRetries, idempotencyKey, signal: opts.signal };
    // Streams keep ky's handling of request bodies (duplex); they are never retried anyway.
    if (streamedBody) return this.viaKy(call, 0);
    return this.firstAttempt(call);
  }

  /**
   * The first attempt is a plain `fetch`: ky's per-request work (building and cloning a Request,
   * its hook chain) measurably slows every call (bench/sdk), and most calls succeed at once. Only a
   * retryable failure hands over to ky's retry engine, with the same policy and attempt numbering.
   */
  private async firstAttempt(call: Call): Promise<Response> {
    const { req, signal } = call;
    const headers = { ...this.defaultHeaders, ...lowerCaseKeys(call.headers) };
    const init: RequestInit = { method: req.method, headers };
    if (req.body !== undefined) {
      if (req.contentType) init.body = req.body as BodyInit;
      else {
        init.body = JSON.stringify(req.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const controller = new AbortController();
    // The caller's signal also aborts reading the body later, as it does through ky.
    init.signal = signal ? anySignal(signal, controller.signal) : controller.signal;
    let timedOut = false;
    const timer =
      call.timeoutMs === false
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            controller.abort(new ApiTimeoutError());
          }, call.timeoutMs);
    if (signal?.aborted) {
      clearTimeout(timer);
      throw new ApiUserAbortError();
    }
    let response: Response;
    try {
      // Looked up per call, as ky does, so a fetch patched after construction (msw) is used.
      response = await (this.options.fetch ?? globalThis.fetch)(`${this.baseUrl}/${call.path}`, init);
    } catch (cause) {
      if (signal?.aborted) throw new ApiUserAbortError();
      if (call.maxRetries > 0) return this.retryAfterFirst(call, undefined);
      throw timedOut ? new ApiTimeoutError({ cause }) : new ApiConnectionError({ cause });
    } finally {
      // The time limit covers waiting for the response, not reading its body (as in ky).
      clearTimeout(timer);
    }
    if (response.ok || response.status === 304) return response;
    const problem = await readProblem(response);
    const retryable = call.maxRetries > 0 && RETRY_STATUSES.includes(response.status) && (response.status !== 409 || problem?.code === 'idempotency_key_in_flight');
    if (retryable && !signal?.aborted) return this.retryAfterFirst(call, response);
    if (signal?.aborted) throw new ApiUserAbortError();
    throw ApiError.generate(response.status, problem, response.statusText || undefined, response.headers);
  }

  /** Waits the first retry's delay, then lets ky run the remaining attempts. */
  private async retryAfterFirst(call: Call, failed: Response | undefined): Promise<Response> {
    const delayMs = this.retryDelay(1, failed);
    this.options.onRetry?.({
      attempt: 1,
      delayMs,
      method: call.req.method,
      path: call.req.path,
      status: failed?.status,
      idempotencyKey: call.idempotencyKey,
    });
    await sleep(delayMs, call.signal);
    return this.viaKy(call, 1);
  }

  /** Sends through ky, `attemptsMade` attempts having already failed. */
  private async viaKy(call: Call, attemptsMade: number): Promise<Response> {
    const { req } = call;
    const retriesLeft = call.maxRetries - attemptsMade;
    try {
      return await this.http(call.path, {
        method: req.method,
        headers: call.headers,
        ...bodyOption(req),
        timeout: call.timeoutMs,
        retry: retriesLeft > 0 ? this.retryPolicy(req, call.idempotencyKey, retriesLeft, call.signal, attemptsMade) : 0,
        ...(call.signal ? { signal: call.signal } : {}),
      });
    } catch (cause) {
      throw await this.toApiError(cause, call.signal);
    }
  }

  /** Retry-After (or `Retry-After-Ms`) capped at `maxRetryDelayMs`, else backoff with full jitter. */
  private retryDelay(attempt: number, response: Response | undefined): number {
    const retryAfterMs = response ? parseRetryAfter(response.headers) : undefined;
    return retryAfterMs !== undefined ? Math.min(retryAfterMs, this.backoff.maxDelayMs) : backoffDelay(attempt - 1, this.backoff);
  }

  /**
   * ky's retry options for one call: every method, 408/409/429/5xx and network errors and
   * timeouts; a 409 only when its key is still in flight. The delay is ours (Retry-After or
   * `Retry-After-Ms` capped at `maxRetryDelayMs`, else exponential backoff with full jitter), and
   * `onRetry` hears about it before the wait.
   */
  private retryPolicy(req: ApiRequest, idempotencyKey: string | undefined, limit: number, signal: AbortSignal | undefined, attemptsMade: number): RetryOptions {
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
      delay: (kyAttempt) => {
        const attempt = kyAttempt + attemptsMade;
        const response = failed instanceof HTTPError ? failed.response : undefined;
        const delayMs = this.retryDelay(attempt, response);
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

/** One call's settings, shared by its first attempt and the retries ky runs. */
interface Call {
  readonly req: ApiRequest;
  /** Path and query, relative to the base URL. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly timeoutMs: number | false;
  readonly maxRetries: number;
  readonly idempotencyKey: string | undefined;
  readonly signal: AbortSignal | undefined;
}

/** Header names are case-insensitive; plain objects are not, so merged keys are lower-cased. */
function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

/** Aborts when either signal does; `AbortSignal.any` where the runtime has it. */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const abort = (signal: AbortSignal) => () => controller.abort(signal.reason);
  a.addEventListener('abort', abort(a), { once: true });
  b.addEventListener('abort', abort(b), { once: true });
  return controller.signal;
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
