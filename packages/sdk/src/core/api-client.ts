import ky, { TimeoutError, type KyInstance } from 'ky';
import { backoffDelay, parseRetryAfter, sleep, type BackoffOptions } from './backoff.js';
import type { ApiRequest, FtmOptions, HttpMethod } from './client-options.js';
import { ApiConnectionError, ApiError, ApiTimeoutError, ApiUserAbortError, type ProblemDetails } from './errors.js';
import { buildQuery } from './query-string.js';

// The contract requires Idempotency-Key on POST and PATCH; DELETE is idempotent by nature.
const MUTATING: ReadonlySet<HttpMethod> = new Set(['POST', 'PATCH', 'PUT']);
const SDK_VERSION = '0.1.0';

/** A successful answer with the response it came from (headers, status). */
export interface ApiResult<T> {
  readonly data: T;
  readonly response: Response;
}

/**
 * The one request function every resource method delegates to: auth, idempotency key, per-attempt
 * timeout, retries with backoff honouring Retry-After, and mapping failures to `ApiError`s.
 */
export class ApiClient {
  readonly baseUrl: string;
  private readonly http: KyInstance;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly backoff: BackoffOptions;

  constructor(private readonly options: FtmOptions) {
    if (!options || typeof options.baseUrl !== 'string' || options.baseUrl === '') {
      throw new TypeError('Ftm: `baseUrl` is required, e.g. new Ftm({ baseUrl: "http://localhost:8080", apiKey })');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.backoff = {
      initialDelayMs: options.initialRetryDelayMs ?? 500,
      maxDelayMs: options.maxRetryDelayMs ?? 30_000,
    };
    const headers: Record<string, string> = { 'x-ftm-sdk': `ts/${SDK_VERSION}`, ...options.defaultHeaders };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    this.http = ky.create({
      prefixUrl: this.baseUrl,
      headers,
      retry: 0,
      throwHttpErrors: false,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** Sends the request and returns the parsed JSON body (undefined for 204). */
  async request<T>(req: ApiRequest): Promise<T> {
    return (await this.requestWithResponse<T>(req)).data;
  }

  /** Like `request`, also returning the response (ETags, replay markers). */
  async requestWithResponse<T>(req: ApiRequest): Promise<ApiResult<T>> {
    const response = await this.send(req);
    return { data: (await parseBody(response)) as T, response };
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
    const path = req.path.replace(/^\/+/, '');
    const searchParams = buildQuery(req.query);

    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.http(path, {
          method: req.method,
          headers: req.contentType ? { ...headers, 'content-type': req.contentType } : headers,
          ...(searchParams ? { searchParams } : {}),
          ...bodyOption(req),
          timeout: extra.timeout === false ? false : (opts.timeoutMs ?? this.timeoutMs),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (cause) {
        if (opts.signal?.aborted) throw new ApiUserAbortError();
        const error = cause instanceof TimeoutError ? new ApiTimeoutError({ cause }) : new ApiConnectionError({ cause });
        if (attempt >= maxRetries) throw error;
        await this.pause(attempt, undefined, req, idempotencyKey, undefined, opts.signal);
        continue;
      }
      if (response.ok || response.status === 304) return response;

      const problem = await readProblem(response);
      if (attempt < maxRetries && isRetryable(response.status, problem)) {
        await this.pause(attempt, response.status, req, idempotencyKey, parseRetryAfter(response.headers), opts.signal);
        continue;
      }
      throw ApiError.generate(response.status, problem, response.statusText || undefined, response.headers);
    }
  }

  private async pause(
    attempt: number,
    status: number | undefined,
    req: ApiRequest,
    idempotencyKey: string | undefined,
    retryAfterMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const delayMs =
      retryAfterMs !== undefined ? Math.min(retryAfterMs, this.backoff.maxDelayMs) : backoffDelay(attempt, this.backoff);
    this.options.onRetry?.({ attempt: attempt + 1, delayMs, method: req.method, path: req.path, status, idempotencyKey });
    await sleep(delayMs, signal);
  }
}

function isRetryable(status: number, problem: ProblemDetails | undefined): boolean {
  if (status === 408 || status === 429 || status >= 500) return true;
  return status === 409 && problem?.code === 'idempotency_key_in_flight';
}

function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

function bodyOption(req: ApiRequest): { json?: unknown; body?: BodyInit } {
  if (req.body === undefined) return {};
  if (req.contentType) return { body: req.body as BodyInit };
  return { json: req.body };
}

async function parseBody(response: Response): Promise<unknown> {
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
