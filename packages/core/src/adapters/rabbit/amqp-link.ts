import type { Channel, ConfirmChannel, RecoveringChannelModel } from 'amqplib';
import { lazyRequire } from '../../shared/lazy-require.js';
import type { Logger } from '../../shared/logger.js';

// amqplib loads only when a RabbitMQ queue connects (see lazyRequire).
const amqplib = lazyRequire<typeof import('amqplib')>('amqplib');

/** Where and how to connect. */
export interface AmqpLinkOptions {
  readonly url: string;
  /** Names the connection in RabbitMQ's connection list and in logs. */
  readonly role: string;
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
}

/** Rejects with a clear error when `work` takes longer than `ms`. */
export async function withinTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One AMQP connection that reconnects by itself (amqplib's recovery, backing off to 10 s) and
 * the channels opened on it, re-created on next use after they close. The first connect fails
 * fast (so a broker that is down is an error, not a hang); after that, recovery keeps trying.
 */
export class AmqpLink {
  readonly #o: AmqpLinkOptions;
  #connection: Promise<RecoveringChannelModel> | undefined;
  #confirm: Promise<ConfirmChannel> | undefined;
  #plain: Promise<Channel> | undefined;
  #closed = false;
  readonly #reconnectListeners: (() => void)[] = [];

  constructor(options: AmqpLinkOptions) {
    this.#o = options;
  }

  /** Calls `listener` after every reconnection (not after the first connect). */
  onReconnect(listener: () => void): void {
    this.#reconnectListeners.push(listener);
  }

  connection(): Promise<RecoveringChannelModel> {
    if (this.#closed) return Promise.reject(new Error(`the ${this.#o.role} connection is closed`));
    this.#connection ??= this.#connect();
    return this.#connection;
  }

  /** A confirm channel for publishing, shared by every publish until it closes. */
  confirmChannel(): Promise<ConfirmChannel> {
    this.#confirm ??= this.#open(true, () => (this.#confirm = undefined));
    return this.#confirm;
  }

  /** A plain channel for declarations and counts, shared until it closes. */
  channel(): Promise<Channel> {
    this.#plain ??= this.#open(false, () => (this.#plain = undefined));
    return this.#plain;
  }

  /** A new channel of its own (a consumer's), which the caller closes. */
  async newChannel(): Promise<Channel> {
    const connection = await withinTimeout(this.connection(), this.#o.connectTimeoutMs, `connecting to RabbitMQ (${this.#o.role})`);
    return withinTimeout(connection.createChannel(), this.#o.connectTimeoutMs, 'opening a RabbitMQ channel');
  }

  async close(): Promise<void> {
    this.#closed = true;
    const connection = this.#connection;
    this.#connection = undefined;
    if (!connection) return;
    await connection.then((c) => c.close()).catch(() => {});
  }

  async #connect(): Promise<RecoveringChannelModel> {
    try {
      const connection = await amqplib().connect(this.#o.url, {
        timeout: this.#o.connectTimeoutMs,
        clientProperties: { connection_name: `ftm-${this.#o.role}` },
        recovery: { initialDelay: 200, maxDelay: 10_000, initialMaxRetries: 0, maxRetries: Number.POSITIVE_INFINITY },
      });
      connection.on('error', (error: Error) => this.#o.logger.warn({ err: { message: error.message } }, `rabbitmq (${this.#o.role}) connection error`));
      connection.on('disconnect', (error: Error) => this.#o.logger.warn({ err: { message: error?.message } }, `rabbitmq (${this.#o.role}) disconnected; reconnecting`));
      connection.on('blocked', (reason: string) => this.#o.logger.warn({ reason }, `rabbitmq blocked the ${this.#o.role} connection`));
      // The first 'connect' fired before connect() resolved: every one seen here is a reconnection.
      connection.on('connect', () => {
        this.#o.logger.info({}, `rabbitmq (${this.#o.role}) reconnected`);
        for (const listener of this.#reconnectListeners) listener();
      });
      return connection;
    } catch (error) {
      this.#connection = undefined;
      throw error;
    }
  }

  async #open<C extends Channel>(confirm: boolean, forget: () => void): Promise<C> {
    try {
      const connection = await withinTimeout(this.connection(), this.#o.connectTimeoutMs, `connecting to RabbitMQ (${this.#o.role})`);
      const opening = confirm ? connection.createConfirmChannel() : connection.createChannel();
      const channel = (await withinTimeout(opening, this.#o.connectTimeoutMs, 'opening a RabbitMQ channel')) as C;
      channel.on('error', (error: Error) => this.#o.logger.warn({ err: { message: error.message } }, `rabbitmq (${this.#o.role}) channel error`));
      channel.on('close', forget);
      return channel;
    } catch (error) {
      forget();
      throw error;
    }
  }
}
