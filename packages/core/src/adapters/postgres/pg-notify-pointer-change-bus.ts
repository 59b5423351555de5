import pg from 'pg';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { LocalListeners, POINTER_CHANGE_CHANNEL, type PointerChange, type PointerChangeBus, type PointerChangeListener } from '../../pointers/pointer-change-bus.js';

/** Where to LISTEN. */
export interface PgNotifyPointerChangeBusOptions {
  readonly connectionString: string;
  readonly channel?: string;
  readonly reconnectDelayMs?: number;
  readonly logger?: Logger;
}

/**
 * PostgreSQL LISTEN/NOTIFY: the swap's transaction NOTIFYs (delivered to every listening process
 * exactly when it commits), and each process LISTENs on one dedicated connection. While that
 * connection is down, listeners are told they are disconnected (their caches stop answering);
 * it is re-opened in the background.
 */
export class PgNotifyPointerChangeBus implements PointerChangeBus {
  readonly #options: PgNotifyPointerChangeBusOptions;
  readonly #logger: Logger;
  readonly #channel: string;
  readonly #local = new LocalListeners();
  #client: pg.Client | undefined;
  #connected = false;
  #started: Promise<void> | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: PgNotifyPointerChangeBusOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#channel = options.channel ?? POINTER_CHANGE_CHANNEL;
  }

  async inTransaction(trx: Transaction<DB>, change: PointerChange): Promise<void> {
    await sql`select pg_notify(${this.#channel}, ${change.tenantId})`.execute(trx);
  }

  async published(change: PointerChange): Promise<void> {
    // The NOTIFY comes back on our LISTEN connection too, but this process should not wait for it.
    this.#local.change(change);
  }

  async subscribe(listener: PointerChangeListener): Promise<() => Promise<void>> {
    const remove = this.#local.add(listener);
    listener.onConnected(this.#connected);
    this.#started ??= this.#connect().catch((error: unknown) => {
      this.#logger.warn({ err: { message: (error as Error).message } }, 'pointer LISTEN unavailable; resolving from the database meanwhile');
    });
    await this.#started;
    return async () => {
      remove();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const c = this.#client;
    this.#client = undefined;
    this.#setConnected(false);
    await c?.end().catch(() => {});
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    this.#local.connected(connected);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const c = new pg.Client({ connectionString: this.#options.connectionString, connectionTimeoutMillis: 5_000 });
    this.#client = c;
    const reopen = (): void => {
      if (this.#closed || this.#client !== c) return;
      this.#client = undefined;
      this.#setConnected(false);
      c.end().catch(() => {});
      this.#retry = setTimeout(() => void this.#connect().catch(reopen), this.#options.reconnectDelayMs ?? 1_000);
    };
    c.on('notification', (msg) => {
      if (msg.payload) this.#local.change({ tenantId: msg.payload });
    });
    c.on('error', (error) => {
      this.#logger.warn({ err: { message: error.message } }, 'pointer LISTEN connection failed; resolving from the database meanwhile');
      reopen();
    });
    c.on('end', reopen);
    try {
      await c.connect();
      await c.query(`listen ${pg.escapeIdentifier(this.#channel)}`);
    } catch (error) {
      reopen();
      throw error;
    }
    if (this.#closed) {
      await c.end().catch(() => {});
      return;
    }
    this.#setConnected(true);
  }
}
