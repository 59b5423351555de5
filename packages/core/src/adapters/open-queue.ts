import type { FtmDatabase } from '../db/open-database.js';
import { ValidationError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Queue } from '../ports/queue.js';
import { LocalQueue, type LocalQueueOptions } from './local-queue/local-queue.js';
import { PgListenWakeUps } from './local-queue/pg-listen-wake-ups.js';
import { BullMqQueue } from './redis/bullmq-queue.js';

/** Which queue adapter to open, as the apps configure it (FTM_QUEUE_TYPE / FTM_QUEUE_URL). */
export interface OpenQueueOptions {
  /** `local`: the job_queue table of `database`; `redis`: BullMQ at `url`. */
  readonly type: 'local' | 'redis';
  /**
   * redis: the Redis URL (required). local: the PostgreSQL URL of `database`, used for a LISTEN
   * connection that wakes consumers on new jobs (optional; without it they poll).
   */
  readonly url?: string;
  /** local: the database holding the job_queue table (required). */
  readonly database?: FtmDatabase;
  /** redis: key prefix (default `ftm`). */
  readonly prefix?: string;
  readonly logger?: Logger;
  /** local: tuning (poll interval, retention, defaults). */
  readonly local?: Omit<LocalQueueOptions, 'wakeUps' | 'logger'>;
}

/** Opens the configured Queue adapter. */
export function openQueue(options: OpenQueueOptions): Queue {
  if (options.type === 'redis') {
    if (!options.url) throw new ValidationError('a redis queue needs a url', [{ path: 'url', message: 'required' }]);
    return new BullMqQueue({
      url: options.url,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  if (options.type === 'local') {
    const { database } = options;
    if (!database) {
      throw new ValidationError('a local queue needs a database', [{ path: 'database', message: 'required' }]);
    }
    const listen = database.dialect === 'postgres' && options.url;
    return new LocalQueue(database, {
      ...options.local,
      ...(listen ? { wakeUps: new PgListenWakeUps({ connectionString: options.url!, ...(options.logger ? { logger: options.logger } : {}) }) } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  throw new ValidationError(`unknown queue type ${String((options as { type: unknown }).type)}`, [
    { path: 'type', message: 'must be local or redis' },
  ]);
}
