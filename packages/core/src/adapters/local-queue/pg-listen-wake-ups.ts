import pg from 'pg';
import type { Logger } from '../../shared/logger.js';
import { silentLogger } from '../../shared/logger.js';
import { JOB_QUEUE_CHANNEL } from './job-queue-store.js';

/** Tells a consumer that jobs may be waiting, so it claims before its next poll. */
export interface WakeUpSource {
  /** Calls `onWake(jobName)` on every announcement until the returned function is called. */
  subscribe(onWake: (jobName: string) => void): Promise<() => Promise<void>>;
}

/** Where to LISTEN, and on which channel. */
export interface PgListenWakeUpsOptions {
  readonly connectionString: string;
  readonly channel?: string;
  readonly reconnectDelayMs?: number;
  readonly logger?: Logger;
}

/**
 * LISTEN on a dedicated PostgreSQL connection. Wake-ups only shorten the wait: consumers keep
 * polling, so a dropped connection costs latency, never a job, and is re-opened in the background.
 */
export class PgListenWakeUps implements WakeUpSource {
  readonly #options: PgListenWakeUpsOptions;
  readonly #logger: Logger;

  constructor(options: PgListenWakeUpsOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  async subscribe(onWake: (jobName: string) => void): Promise<() => Promise<void>> {
    const channel = this.#options.channel ?? JOB_QUEUE_CHANNEL;
    const reconnectDelayMs = this.#options.reconnectDelayMs ?? 1_000;
    let closed = false;
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;

    const connect = async (): Promise<void> => {
      const c = new pg.Client({ connectionString: this.#options.connectionString, connectionTimeoutMillis: 5_000 });
      client = c;
      const reopen = (): void => {
        if (closed || client !== c) return;
        client = undefined;
        c.end().catch(() => {});
        retry = setTimeout(() => void connect().catch(reopen), reconnectDelayMs);
      };
      c.on('notification', (msg) => onWake(msg.payload ?? ''));
      c.on('error', (error) => {
        this.#logger.warn({ err: { message: error.message } }, 'job queue LISTEN connection failed; polling meanwhile');
        reopen();
      });
      c.on('end', reopen);
      try {
        await c.connect();
        await c.query(`listen ${pg.escapeIdentifier(channel)}`);
        if (closed) await c.end();
      } catch (error) {
        reopen();
        throw error;
      }
    };

    try {
      await connect();
    } catch (error) {
      // The background reconnect keeps trying; polling covers the gap.
      this.#logger.warn({ err: { message: (error as Error).message } }, 'job queue LISTEN unavailable; polling only');
    }
    return async () => {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    };
  }
}
