import type { z } from 'zod';
import type { Logger } from './logger.js';
import type { QueueJob } from '../ports/queue.js';

/** How a job is retried: attempts in total, and the base of its jittered exponential backoff. */
export interface JobRetry {
  readonly maxAttempts: number;
  readonly backoffMs: number;
}

/**
 * One queue job, declared once next to its feature (`<area>/<area>-jobs.ts`): its name, payload
 * schema, retry policy and time limit. Producers enqueue it with {@link enqueueJob}; the worker
 * binds a handler to it.
 */
export interface JobDefinition<N extends string = string, S extends z.ZodType = z.ZodType> {
  readonly name: N;
  readonly schema: S;
  readonly retry: JobRetry;
  /** The handler's signal aborts, and the attempt fails (to be retried), after this long. */
  readonly timeoutMs?: number;
}

/** Declares a job; the handler's payload type is inferred from `schema`. */
export function defineJob<const N extends string, S extends z.ZodType>(definition: JobDefinition<N, S>): JobDefinition<N, S> {
  return definition;
}

/** The parsed payload a job's handler receives. */
export type JobPayload<D> = D extends JobDefinition<string, infer S> ? z.output<S> : never;

/** What a handler gets besides its payload. */
export interface JobContext<P = unknown> {
  readonly job: QueueJob<P>;
  /** Aborts on the job's timeout, on shutdown past the drain timeout, or when its lease is lost. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** The handler of one catalog job. */
export type JobHandlerOf<D extends JobDefinition> = (payload: JobPayload<D>, ctx: JobContext<JobPayload<D>>) => Promise<void>;

/** One handler per job of the catalog, keyed by job name. */
export type HandlersFor<Jobs extends readonly JobDefinition[]> = {
  readonly [D in Jobs[number] as D['name']]: JobHandlerOf<D>;
};
