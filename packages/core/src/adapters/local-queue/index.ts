export { LocalQueue, LOCAL_QUEUE_DEFAULTS, type LocalQueueOptions } from './local-queue.js';
export { PgListenWakeUps, type PgListenWakeUpsOptions, type WakeUpSource } from './pg-listen-wake-ups.js';
export { LeaseLostError, ShutdownAbortError } from './local-consumer.js';
export { JobQueueStore, JOB_QUEUE_CHANNEL, type JobLease } from './job-queue-store.js';
export { resolveEnqueueOptions, type ResolvedEnqueueOptions } from './enqueue-options.js';
