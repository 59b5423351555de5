// Optional properties also accept `undefined`, so callers compiled with
// `exactOptionalPropertyTypes` can pass possibly-undefined values (`process.env.X`).

/** What a retry is about to do; passed to `onRetry` (logging, metrics). */
export interface RetryInfo {
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly method: string;
  readonly path: string;
  /** Status of the failed attempt, or undefined for a connection error or timeout. */
  readonly status: number | undefined;
  readonly idempotencyKey: string | undefined;
}

/** Options of `new Ftm(…)`; every one has a default. */
export interface FtmOptions {
  /** Root URL of the FTM API; default `FTM_BASE_URL` from the environment, else `http://localhost:8080`. */
  readonly baseUrl?: string | undefined;
  /** Sent as `Authorization: Bearer <apiKey>`; default `FTM_API_KEY` from the environment. */
  readonly apiKey?: string | undefined;
  /** Per-attempt timeout; default 60 000 ms. */
  readonly timeoutMs?: number | undefined;
  /** Retries after the first attempt; default 2. */
  readonly maxRetries?: number | undefined;
  /** A fetch implementation (tests, proxies, edge runtimes); default globalThis.fetch. */
  readonly fetch?: typeof fetch | undefined;
  /** Extra headers on every request. */
  readonly defaultHeaders?: Readonly<Record<string, string>> | undefined;
  /** First backoff ceiling; doubles per retry (full jitter). Default 500 ms. */
  readonly initialRetryDelayMs?: number | undefined;
  /** Cap on any wait between attempts, including Retry-After. Default 30 000 ms. */
  readonly maxRetryDelayMs?: number | undefined;
  /** Called before each retry waits. */
  readonly onRetry?: ((info: RetryInfo) => void) | undefined;
}

/** Per-call options, the last argument of every SDK method. */
export interface RequestOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxRetries?: number | undefined;
  /** Your own Idempotency-Key for a mutating call; default a fresh UUID per logical call. */
  readonly idempotencyKey?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Query values the SDK can serialise; arrays become comma-separated lists. */
export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

/** One logical API call, as the resources describe it to the core. */
export interface ApiRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: object | undefined;
  /** JSON body (any value), or a raw BodyInit when `contentType` is given. */
  readonly body?: unknown;
  readonly contentType?: string | undefined;
  readonly accept?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly options?: RequestOptions | undefined;
}
