import { DependencyUnavailableError, FtmError } from './errors.js';
import { backoffMs } from './backoff.js';

/** Raised for a non-2xx answer that retrying will not fix (4xx other than 408/429). */
export class HttpStatusError extends FtmError {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly dependency: string,
    readonly status: number,
    readonly body: unknown,
    /** The answer's Retry-After, when it sent one (429/503), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`${dependency} answered HTTP ${status}`);
  }
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface HttpClientOptions {
  /** Names the dependency in errors and logs ("orchestrator", "trism", "openai"). */
  readonly name: string;
  readonly baseUrl: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Consecutive failed calls that open the circuit, and how long it stays open. */
  readonly breaker?: { readonly failureThreshold: number; readonly resetAfterMs: number };
  readonly fetch?: typeof fetch;
  /** Injected for tests: how to wait between attempts. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: the time source of the circuit breaker, in epoch ms. */
  readonly now?: () => number;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /**
   * A non-JSON body (multipart upload, stream), built afresh for every attempt so a retry never
   * re-reads a consumed stream. Takes precedence over `body`.
   */
  readonly rawBody?: () => { readonly body: BodyInit; readonly contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface HttpResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** What one attempt of an HttpClient call came to: the answer's status, or why there was none. */
export interface HttpAttempt {
  /** The client's name ("openai", "orchestrator", …). */
  readonly dependency: string;
  readonly status: number | 'timeout' | 'network_error';
}

const attemptObservers = new Set<(attempt: HttpAttempt) => void>();

/**
 * Calls `observer` after every attempt of every HttpClient of this process (every outbound call
 * to a provider or integration passes here); returns how to stop. Observers must not throw.
 */
export function observeHttpAttempts(observer: (attempt: HttpAttempt) => void): () => void {
  attemptObservers.add(observer);
  return () => void attemptObservers.delete(observer);
}

/** Reports one attempt of a call made outside HttpClient (the `openai` package's fetch), for the same metrics. */
export function notifyHttpAttempt(attempt: HttpAttempt): void {
  if (attemptObservers.size > 0) notifyAttempt(attempt);
}

function notifyAttempt(attempt: HttpAttempt): void {
  for (const observer of attemptObservers) observer(attempt);
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 60_000;

export const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unparsable. */
export function parseRetryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * JSON over HTTP to a dependency, with a per-attempt timeout, bounded retries on network errors,
 * 408/409/425/429/5xx (honouring Retry-After, capped), and a circuit breaker that fails fast with
 * DependencyUnavailableError while the dependency keeps failing.
 */
export class HttpClient {
  readonly #o: Required<Omit<HttpClientOptions, 'breaker' | 'headers' | 'retry'>> & {
    headers: Readonly<Record<string, string>>;
    retry: RetryPolicy;
    breaker: { failureThreshold: number; resetAfterMs: number };
  };
  #consecutiveFailures = 0;
  #openUntil = 0;
  /** After the open period one trial call decides: success closes, failure re-opens at once. */
  #halfOpen = false;

  constructor(options: HttpClientOptions) {
    this.#o = {
      name: options.name,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: options.headers ?? {},
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000, ...options.retry },
      breaker: options.breaker ?? { failureThreshold: 5, resetAfterMs: 30_000 },
      fetch: options.fetch ?? ((...args) => globalThis.fetch(...args)),
      sleep: options.sleep ?? defaultSleep,
      now: options.now ?? Date.now,
    };
  }

  get name(): string {
    return this.#o.name;
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    if (this.#openUntil !== 0) {
      if (this.#o.now() < this.#openUntil) {
        throw new DependencyUnavailableError(this.#o.name, `${this.#o.name} is failing; calls are paused briefly`);
      }
      this.#openUntil = 0;
      this.#halfOpen = true;
    }
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.#o.retry;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let retryAfterMs: number | undefined;
      let answered = false;
      try {
        const res = await this.#attempt(req);
        answered = true;
        if (attemptObservers.size > 0) notifyAttempt({ dependency: this.#o.name, status: res.status });
        if (res.status < 400) {
          this.#recordSuccess();
          return { status: res.status, headers: res.headers, body: (await readBody(res)) as T };
        }
        const body = await readBody(res);
        if (!RETRYABLE_STATUS.has(res.status)) {
          this.#recordSuccess(); // the dependency is up; the request was refused
          throw new HttpStatusError(this.#o.name, res.status, body);
        }
        retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'), this.#o.now());
        lastError = new HttpStatusError(this.#o.name, res.status, body, retryAfterMs);
      } catch (error) {
        if (error instanceof HttpStatusError && !RETRYABLE_STATUS.has(error.status)) throw error;
        if (req.signal?.aborted) throw error;
        if (!answered && attemptObservers.size > 0) {
          notifyAttempt({ dependency: this.#o.name, status: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network_error' });
        }
        lastError = error;
      }
      if (attempt < maxAttempts) {
        const delay = retryAfterMs !== undefined ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : backoffMs(attempt, { baseMs: baseDelayMs, maxMs: maxDelayMs });
        await this.#o.sleep(delay);
      }
    }
    // A dependency that keeps answering 429/409 is up and pacing us: surface it, keep the circuit closed.
    if (lastError instanceof HttpStatusError && lastError.status < 500 && lastError.status !== 408) {
      this.#recordSuccess();
      throw lastError;
    }
    this.#recordFailure();
    throw new DependencyUnavailableError(this.#o.name, `${this.#o.name} did not answer successfully after ${maxAttempts} attempts`, {
      cause: lastError,
    });
  }

  #recordSuccess(): void {
    this.#consecutiveFailures = 0;
    this.#halfOpen = false;
  }

  #recordFailure(): void {
    this.#consecutiveFailures += 1;
    if (this.#halfOpen || this.#consecutiveFailures >= this.#o.breaker.failureThreshold) {
      this.#openUntil = this.#o.now() + this.#o.breaker.resetAfterMs;
      this.#consecutiveFailures = 0;
      this.#halfOpen = false;
    }
  }

  async #attempt(req: HttpRequest): Promise<Response> {
    const url = new URL(this.#o.baseUrl + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const timeout = AbortSignal.timeout(this.#o.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...this.#o.headers, ...req.headers };
    let body: BodyInit | undefined;
    if (req.rawBody) {
      const raw = req.rawBody();
      headers['content-type'] = raw.contentType;
      body = raw.body;
    } else if (req.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(req.body);
    }
    // A streamed body needs half-duplex in Node's fetch; it is ignored for the other body kinds.
    const init = { method: req.method, headers, body, signal, redirect: 'error', duplex: 'half' } as RequestInit;
    return this.#o.fetch(url, init);
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
