import type { Tracer } from '@opentelemetry/api';
import { FtmError, OutboxRelay, silentLogger, type FtmDatabase, type HandlersFor, type JobDefinition, type JobHandler, type JobHandlerOf, type Logger, type Queue } from '@ftm/core';
import { toQueueHandler, type JobFinished } from './run-job.js';
import { traceJobHandler } from './job-tracing.js';

/** The outbox relay part of the worker runtime. */
export interface WorkerOutboxOptions {
  readonly database: FtmDatabase;
  readonly batchSize?: number;
  readonly intervalMs?: number;
}

/** The queue, catalog and handlers of a worker, and how it runs. */
export interface CreateWorkerOptions<Jobs extends readonly JobDefinition[]> {
  readonly queue: Queue;
  /** The job catalog this worker consumes. */
  readonly jobs: Jobs;
  readonly handlers: NoInfer<HandlersFor<Jobs>>;
  readonly concurrency?: number;
  /** How long a job may go without a heartbeat before another worker takes it over. */
  readonly visibilityTimeoutMs?: number;
  /** Default wait for in-flight jobs on stop() (30 s). */
  readonly drainTimeoutMs?: number;
  /** Runs the outbox relay in this process too. */
  readonly outbox?: WorkerOutboxOptions;
  readonly logger?: Logger;
  /** Called after every job attempt (duration and outcome), e.g. to feed a metrics histogram. */
  readonly onJobFinished?: (event: JobFinished) => void;
  /** Traces every job attempt as a CONSUMER span; absent, jobs run unwrapped. */
  readonly tracer?: Tracer;
}

/** A running worker: consumes its catalog from the queue (and relays the outbox) until stopped. */
export interface FtmWorker {
  start(): void;
  /** Stops the relay, stops taking jobs and waits for in-flight ones (then aborts them). */
  stop(drainTimeoutMs?: number): Promise<void>;
}

/** Builds the worker runtime over a queue and a job catalog. */
export function createWorker<const Jobs extends readonly JobDefinition[]>(options: CreateWorkerOptions<Jobs>): FtmWorker {
  const logger = options.logger ?? silentLogger;
  const handlers: Record<string, JobHandler> = {};
  const given = options.handlers as unknown as Record<string, JobHandlerOf<JobDefinition> | undefined>;
  for (const definition of options.jobs) {
    if (handlers[definition.name]) throw new FtmError(`job ${definition.name} is in the catalog twice`);
    const handler = given[definition.name];
    if (!handler) throw new FtmError(`no handler for job ${definition.name}`);
    const run = toQueueHandler(definition, handler, logger, options.onJobFinished);
    handlers[definition.name] = options.tracer ? traceJobHandler(definition.name, run, options.tracer) : run;
  }
  const relay = options.outbox
    ? new OutboxRelay({
        database: options.outbox.database,
        queue: options.queue,
        logger,
        ...(options.outbox.batchSize !== undefined ? { batchSize: options.outbox.batchSize } : {}),
        ...(options.outbox.intervalMs !== undefined ? { intervalMs: options.outbox.intervalMs } : {}),
      })
    : undefined;
  let state: 'idle' | 'running' | 'stopping' = 'idle';
  let stopping: Promise<void> | undefined;

  return {
    start() {
      if (state !== 'idle') return;
      state = 'running';
      options.queue.consume(handlers, {
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        ...(options.visibilityTimeoutMs !== undefined ? { visibilityTimeoutMs: options.visibilityTimeoutMs } : {}),
      });
      relay?.start();
      logger.info({ jobs: Object.keys(handlers), relay: relay !== undefined }, 'worker started');
    },
    stop(drainTimeoutMs = options.drainTimeoutMs ?? 30_000) {
      if (state === 'idle') return Promise.resolve();
      if (!stopping) {
        state = 'stopping';
        stopping = (async () => {
          await relay?.stop();
          await options.queue.stop(drainTimeoutMs);
          logger.info({}, 'worker stopped');
        })();
      }
      return stopping;
    },
  };
}
