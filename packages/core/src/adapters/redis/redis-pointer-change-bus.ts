import type { Redis } from 'ioredis';
import { lazyRequire } from '../../shared/lazy-require.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { LocalListeners, POINTER_CHANGE_CHANNEL, type PointerChange, type PointerChangeBus, type PointerChangeListener } from '../../pointers/pointer-change-bus.js';

/** Where to publish and subscribe. */
const ioredis = lazyRequire<typeof import('ioredis')>('ioredis');

export interface RedisPointerChangeBusOptions {
  readonly url: string;
  /** Prefixes the channel, so several deployments can share one Redis. */
  readonly channelPrefix?: string;
  readonly logger?: Logger;
}

/**
 * Redis pub/sub, for deployments whose queue is Redis (FTM_QUEUE_TYPE=redis): a change is
 * published after its commit; each process subscribes on its own connection. While the subscriber
 * is not ready, listeners are told they are disconnected (their caches stop answering).
 */
export class RedisPointerChangeBus implements PointerChangeBus {
  readonly #logger: Logger;
  readonly #channel: string;
  readonly #local = new LocalListeners();
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  #connected = false;
  #subscribed = false;
  #started: Promise<void> | undefined;

  constructor(options: RedisPointerChangeBusOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.#channel = `${options.channelPrefix ?? ''}${POINTER_CHANGE_CHANNEL}`;
    const common = { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 5_000 } as const;
    const { Redis: RedisClient } = ioredis();
    this.#publisher = new RedisClient(options.url, common);
    this.#subscriber = new RedisClient(options.url, common);
    this.#publisher.on('error', () => {});
    this.#subscriber.on('error', (error: Error) => this.#logger.warn({ err: { message: error.message } }, 'pointer subscriber connection failed'));
    // ioredis re-subscribes after a reconnect; anything published meanwhile was missed.
    this.#subscriber.on('ready', () => {
      if (this.#subscribed) this.#setConnected(true);
    });
    this.#subscriber.on('close', () => this.#setConnected(false));
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel && message) this.#local.change({ tenantId: message });
    });
  }

  async inTransaction(): Promise<void> {}

  async published(change: PointerChange): Promise<void> {
    this.#local.change(change);
    try {
      if (this.#publisher.status === 'wait') await this.#publisher.connect();
      await this.#publisher.publish(this.#channel, change.tenantId);
    } catch (error) {
      // The swap is committed; other processes fall back on their cache's maximum age.
      this.#logger.warn({ err: { message: (error as Error).message } }, 'pointer change could not be published');
    }
  }

  async subscribe(listener: PointerChangeListener): Promise<() => Promise<void>> {
    const remove = this.#local.add(listener);
    listener.onConnected(this.#connected);
    this.#started ??= (async () => {
      await this.#subscriber.connect();
      await this.#subscriber.subscribe(this.#channel);
      this.#subscribed = true;
      this.#setConnected(true);
    })().catch((error: unknown) => {
      this.#logger.warn({ err: { message: (error as Error).message } }, 'pointer subscription unavailable; resolving from the database meanwhile');
    });
    await this.#started;
    return async () => {
      remove();
    };
  }

  async close(): Promise<void> {
    this.#setConnected(false);
    this.#subscriber.disconnect();
    this.#publisher.disconnect();
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    this.#local.connected(connected);
  }
}
