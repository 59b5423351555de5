import { sleep } from './backoff.js';
import { ApiTimeoutError, ApiUserAbortError } from './errors.js';

/** Options of the `waitUntilDone` helpers. */
export interface WaitOptions {
  readonly signal?: AbortSignal | undefined;
  /** Give up after this long with ApiTimeoutError; default 30 minutes. */
  readonly timeoutMs?: number | undefined;
  /** First wait between polls; grows ×1.5 per poll up to `maxPollIntervalMs`. Default 1 000 ms. */
  readonly pollIntervalMs?: number | undefined;
  /** Longest wait between polls; default 15 000 ms. */
  readonly maxPollIntervalMs?: number | undefined;
}

/**
 * Polls `load` until `isDone` holds, backing off between polls, and returns the final value.
 * Requests carry the caller's signal, so aborting stops an in-flight poll too.
 */
export async function pollUntil<T>(load: (signal: AbortSignal) => Promise<T>, isDone: (value: T) => boolean, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const maxInterval = options.maxPollIntervalMs ?? 15_000;
  let interval = options.pollIntervalMs ?? 1_000;
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    for (;;) {
      const value = await load(controller.signal);
      if (isDone(value)) return value;
      await sleep(interval, controller.signal);
      interval = Math.min(maxInterval, Math.ceil(interval * 1.5));
    }
  } catch (error) {
    if (timedOut) throw new ApiTimeoutError({ message: `Still not done after ${timeoutMs} ms.` });
    if (options.signal?.aborted) throw new ApiUserAbortError();
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
