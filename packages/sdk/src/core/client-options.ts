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

/** Options of `new Ftm(…)`. */
export interface FtmOptions {
  /** Root URL of the FTM API, e.g. `http://localhost:8080`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
  /** Per-attempt timeout; default 60 000 ms. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt; default 2. */
  readonly maxRetries?: number;
  /** A fetch implementation (tests, proxies, edge runtimes); default globalThis.fetch. */
  readonly fetch?: typeof fetch;
  /** Extra headers on every request. */
  readonly defaultHeaders?: Readonly<Record<string, string>>;
  /** First backoff ceiling; doubles per retry (full jitter). Default 500 ms. */
  readonly initialRetryDelayMs?: number;
  /** Cap on any wait between attempts, including Retry-After. Default 30 000 ms. */
  readonly maxRetryDelayMs?: number;
  /** Called before each retry sleeps. */
  readonly onRetry?: (info: RetryInfo) => void;
}

/** Per-call options, the last argument of every SDK method. */
export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** Your own Idempotency-Key for a mutating call; default a fresh UUID per logical call. */
  readonly idempotencyKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
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
  readonly contentType?: string;
  readonly accept?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly options?: RequestOptions | undefined;
}
