import { ApiUserAbortError } from './errors.js';

/** Delays of the retry loop; exposed so callers can tune them (tests use tiny values). */
export interface BackoffOptions {
  /** First retry waits up to this long (full jitter); doubles per attempt. */
  readonly initialDelayMs: number;
  /** Upper bound of any wait, including one asked for by Retry-After. */
  readonly maxDelayMs: number;
}

/** Exponential backoff with full jitter: uniform in [0, min(max, initial·2^attempt)]. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Reads how long the server asked us to wait: `retry-after-ms`, then `Retry-After` as seconds or
 * an HTTP date. Returns undefined when absent or unparseable, so the caller falls back to backoff.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with ApiUserAbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ApiUserAbortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ApiUserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
