import { DependencyUnavailableError, DomainError, FtmError, RateLimitedError, UnrecoverableError, type JobDefinition, type JobHandler, type JobHandlerOf, type Logger } from '@ftm/core';

/** The failure of an attempt that ran past its job's `timeoutMs`; it is retried like any other. */
export class JobTimeoutError extends FtmError {
  override readonly name = 'JobTimeoutError';
}

/**
 * Decides whether a handler's error is worth a retry. Domain errors describe the request, not the
 * moment (not found, invalid, denied…), so retrying cannot help: they fail the job at once. A
 * dependency outage or a rate limit is a DomainError too, but passes with time, so it is retried.
 */
export function classifyJobError(error: unknown): unknown {
  if (error instanceof UnrecoverableError) return error;
  if (error instanceof DependencyUnavailableError || error instanceof RateLimitedError) return error;
  if (error instanceof DomainError) {
    return new UnrecoverableError(`${error.name} (${error.code}): ${error.message}`, { cause: error });
  }
  return error;
}

/** One finished attempt, as reported to `onJobFinished` (e.g. for a job duration histogram). */
export interface JobFinished {
  readonly name: string;
  readonly durationMs: number;
  readonly outcome: 'succeeded' | 'failed' | 'unrecoverable';
}

/** Wraps a catalog handler as a queue handler: parse the payload, enforce the timeout, map errors. */
export function toQueueHandler(definition: JobDefinition, handler: JobHandlerOf<JobDefinition>, logger: Logger, onFinished?: (event: JobFinished) => void): JobHandler {
  return async (job, queueSignal) => {
    const started = performance.now();
    let outcome: JobFinished['outcome'] = 'succeeded';
    const parsed = definition.schema.safeParse(job.payload);
    if (!parsed.success) {
      // Paths and messages only: payload values may hold personal data.
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new UnrecoverableError(`payload of job ${definition.name} does not match its schema: ${issues}`);
    }
    const timeout = new AbortController();
    const timer =
      definition.timeoutMs === undefined ? undefined : setTimeout(() => timeout.abort(new JobTimeoutError(`job ${definition.name} ran longer than ${definition.timeoutMs} ms`)), definition.timeoutMs);
    const signal = AbortSignal.any([queueSignal, timeout.signal]);
    // The attempt ends when the signal aborts even if the handler ignores it, so a hung handler
    // cannot hold a concurrency slot forever.
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new JobTimeoutError(String(signal.reason)));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => {});
    try {
      const log = logger.child({ jobId: job.id, jobName: job.name, attempt: job.attempt });
      await Promise.race([handler(parsed.data, { job: { ...job, payload: parsed.data }, signal, logger: log }), aborted]);
    } catch (error) {
      const classified = classifyJobError(error);
      outcome = classified instanceof UnrecoverableError ? 'unrecoverable' : 'failed';
      throw classified;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
      // An observer's bug must not fail the job it observes.
      try {
        onFinished?.({ name: definition.name, durationMs: performance.now() - started, outcome });
      } catch (error) {
        logger.warn({ jobName: definition.name, err: { message: (error as Error).message } }, 'onJobFinished failed');
      }
    }
  };
}
