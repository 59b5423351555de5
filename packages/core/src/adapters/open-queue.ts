import type { FtmDatabase } from '../db/open-database.js';
import { ValidationError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Queue } from '../ports/queue.js';
import { BrokerQueue, type BrokerQueueOptions } from './broker/broker-queue.js';
import { LocalQueue, type LocalQueueOptions } from './local-queue/local-queue.js';
import { PgListenWakeUps } from './local-queue/pg-listen-wake-ups.js';
import { RabbitBroker } from './rabbit/rabbit-broker.js';
import { BullMqQueue } from './redis/bullmq-queue.js';
import { SqsBroker } from './sqs/sqs-broker.js';
import { parseSqsUrl } from './sqs/sqs-location.js';

/** Which queue adapter to open, as the apps configure it (FTM_QUEUE_TYPE / FTM_QUEUE_URL). */
export interface OpenQueueOptions {
  /**
   * `local`: the job_queue table of `database`; `redis`: BullMQ at `url`; `rabbit`: RabbitMQ at
   * `url`; `sqs`: Amazon SQS (or an SQS-compatible endpoint) at `url`. rabbit and sqs keep their
   * ledger (dedupe, delays, retries, dead letters) in `database`.
   */
  readonly type: 'local' | 'redis' | 'rabbit' | 'sqs';
  /**
   * redis: the Redis URL; rabbit: `amqp(s)://user:password@host:5672/vhost`; sqs: a queue URL
   * (`https://sqs.<region>.amazonaws.com/<account>/<prefix>`) or an endpoint (all required).
   * local: the PostgreSQL URL of `database`, used for a LISTEN connection that wakes consumers on
   * new jobs (optional; without it they poll).
   */
  readonly url?: string;
  /** local, rabbit, sqs: the database holding the job_queue table or the broker ledger (required). */
  readonly database?: FtmDatabase;
  /** redis: key prefix; rabbit, sqs: queue name prefix (default `ftm`; an SQS URL's own prefix wins). */
  readonly prefix?: string;
  /** rabbit, sqs: job names depth() reports even when they have no job. */
  readonly jobNames?: readonly string[];
  /** sqs: static credentials (emulators); absent, the AWS SDK's default chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly logger?: Logger;
  /** local: tuning (poll interval, retention, defaults). */
  readonly local?: Omit<LocalQueueOptions, 'wakeUps' | 'logger'>;
  /** rabbit, sqs: tuning (message size limit, poll interval, defaults). */
  readonly broker?: Omit<BrokerQueueOptions, 'name' | 'jobNames' | 'logger'>;
}

const DEFAULT_PREFIX = 'ftm';

function required<T>(value: T | undefined, type: string, field: 'url' | 'database'): T {
  if (value === undefined) throw new ValidationError(`a ${type} queue needs a ${field}`, [{ path: field, message: 'required' }]);
  return value;
}

/** Opens the configured Queue adapter. */
export function openQueue(options: OpenQueueOptions): Queue {
  const logger = options.logger ? { logger: options.logger } : {};
  if (options.type === 'redis') {
    return new BullMqQueue({ url: required(options.url, 'redis', 'url'), ...(options.prefix ? { prefix: options.prefix } : {}), ...logger });
  }
  if (options.type === 'rabbit' || options.type === 'sqs') {
    const url = required(options.url, options.type, 'url');
    const database = required(options.database, options.type, 'database');
    let prefix = options.prefix ?? DEFAULT_PREFIX;
    let broker;
    if (options.type === 'rabbit') {
      broker = new RabbitBroker({ url, prefix, ...logger });
    } else {
      const location = parseSqsUrl(url);
      prefix = location.prefix ?? prefix;
      broker = new SqsBroker({ location, prefix, ...(options.credentials ? { credentials: options.credentials } : {}), ...logger });
    }
    return new BrokerQueue(broker, database, { ...options.broker, name: prefix, ...(options.jobNames ? { jobNames: options.jobNames } : {}), ...logger });
  }
  if (options.type === 'local') {
    const database = required(options.database, 'local', 'database');
    const listen = database.dialect === 'postgres' && options.url;
    return new LocalQueue(database, {
      ...options.local,
      ...(listen ? { wakeUps: new PgListenWakeUps({ connectionString: options.url!, ...logger }) } : {}),
      ...logger,
    });
  }
  throw new ValidationError(`unknown queue type ${String((options as { type: unknown }).type)}`, [{ path: 'type', message: 'must be local, redis, rabbit or sqs' }]);
}
