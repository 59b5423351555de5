import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage, Message } from 'amqplib';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { BrokerDelivery, BrokerQueueCounts, MessageBroker, SubscribeOptions } from '../broker/message-broker.js';
import { AmqpLink, withinTimeout } from './amqp-link.js';

/** Connection and naming of the RabbitMQ broker. */
export interface RabbitBrokerOptions {
  /** `amqp://user:password@host:5672/vhost` (or `amqps://`). */
  readonly url: string;
  /** Queue names are `<prefix>.<job name>`. */
  readonly prefix: string;
  readonly connectTimeoutMs?: number;
  /** How long a publish may wait for the broker's confirm. */
  readonly publishTimeoutMs?: number;
  /**
   * Deletes a job queue unused (no consumer, no declaration) this long, messages included: for
   * tests and throwaway setups only. Absent, queues live until deleted.
   */
  readonly unusedQueueExpiryMs?: number;
  readonly logger?: Logger;
}

/** A RabbitMQ delivery: the message and the channel it must be settled on. */
interface RabbitDelivery extends BrokerDelivery {
  readonly message: ConsumeMessage;
  readonly channel: Channel;
}

interface Subscription {
  readonly names: readonly string[];
  readonly options: SubscribeOptions;
}

const RESUBSCRIBE_DELAY_MS = 1_000;

/**
 * MessageBroker on RabbitMQ (AMQP 0-9-1, amqplib): one durable queue per job name on the default
 * exchange, persistent messages published with confirms and `mandatory` (a message no queue
 * takes is an error, not a silent loss), and one consumer per job name with a per-consumer
 * prefetch (global QoS is deprecated and refused by RabbitMQ 4.3). Publishing and consuming use
 * separate connections, as RabbitMQ recommends: flow control on a publisher never stalls acks.
 * A delivery stays with its consumer until acked or its channel closes; RabbitMQ has no
 * visibility timeout (its `consumer_timeout`, 30 min by default, closes a channel that holds a
 * delivery too long), so extend() only reports deliveries whose channel is gone.
 */
export class RabbitBroker implements MessageBroker {
  readonly kind = 'rabbitmq';
  readonly countsInFlight = false;
  readonly #o: RabbitBrokerOptions;
  readonly #logger: Logger;
  readonly #publisher: AmqpLink;
  readonly #consumerLink: AmqpLink;
  readonly #prepared = new Set<string>();
  /** Message ids the broker returned as unroutable, until their confirm arrives. */
  readonly #returned = new Set<string>();
  #returnsHooked = new WeakSet<Channel>();
  #subscription: Subscription | undefined;
  /** Where deliveries go, kept after unsubscribe(): a delivery already in flight then is handed back by the consumer. */
  #deliver: ((delivery: BrokerDelivery) => void) | undefined;
  #consumer: { channel: Channel; tags: string[] } | undefined;
  #resubscribe: NodeJS.Timeout | undefined;

  constructor(options: RabbitBrokerOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.#publisher = new AmqpLink({ url: options.url, role: 'publisher', connectTimeoutMs, logger: this.#logger });
    this.#consumerLink = new AmqpLink({ url: options.url, role: 'consumer', connectTimeoutMs, logger: this.#logger });
    this.#consumerLink.onReconnect(() => this.#scheduleResubscribe(0));
  }

  /** The RabbitMQ queue of a job name. */
  queueName(name: string): string {
    return `${this.#o.prefix}.${name}`;
  }

  async prepare(name: string): Promise<void> {
    if (this.#prepared.has(name)) return;
    await this.#assert(await this.#publisher.channel(), name);
    this.#prepared.add(name);
  }

  async publish(name: string, body: string): Promise<void> {
    const channel = await this.#publisher.confirmChannel();
    if (!this.#returnsHooked.has(channel)) {
      this.#returnsHooked.add(channel);
      channel.on('return', (message: Message) => {
        if (typeof message.properties.messageId === 'string') this.#returned.add(message.properties.messageId);
      });
    }
    const messageId = randomUUID();
    const confirmed = new Promise<void>((resolve, reject) => {
      channel.sendToQueue(this.queueName(name), Buffer.from(body, 'utf8'), { persistent: true, mandatory: true, contentType: 'application/json', messageId }, (error: unknown) => {
        // A return always comes before its confirm.
        const returned = this.#returned.delete(messageId);
        if (error) reject(error instanceof Error ? error : new Error('rabbitmq refused the message'));
        else if (returned) {
          this.#prepared.delete(name);
          reject(new Error(`rabbitmq has no queue ${this.queueName(name)}`));
        } else resolve();
      });
    });
    await withinTimeout(confirmed, this.#o.publishTimeoutMs ?? 10_000, 'publishing to RabbitMQ');
  }

  async subscribe(names: readonly string[], options: SubscribeOptions, onDelivery: (delivery: BrokerDelivery) => void): Promise<void> {
    this.#subscription = { names, options };
    this.#deliver = onDelivery;
    try {
      await this.#openConsumer();
    } catch (error) {
      this.#logger.warn({ err: { message: (error as Error).message } }, 'could not subscribe to rabbitmq; retrying');
      this.#scheduleResubscribe(RESUBSCRIBE_DELAY_MS);
    }
  }

  async unsubscribe(): Promise<void> {
    this.#subscription = undefined;
    clearTimeout(this.#resubscribe);
    const consumer = this.#consumer;
    if (!consumer) return;
    // The channel stays open: deliveries already handed out are still acked on it.
    await Promise.all(consumer.tags.map((tag) => consumer.channel.cancel(tag).catch(() => undefined)));
  }

  async ack(delivery: BrokerDelivery): Promise<void> {
    const { channel, message } = delivery as RabbitDelivery;
    channel.ack(message);
  }

  async release(delivery: BrokerDelivery): Promise<void> {
    const { channel, message } = delivery as RabbitDelivery;
    channel.nack(message, false, true);
  }

  async extend(deliveries: readonly BrokerDelivery[]): Promise<ReadonlySet<BrokerDelivery>> {
    const live = this.#consumer?.channel;
    return new Set(deliveries.filter((d) => (d as RabbitDelivery).channel !== live));
  }

  async counts(names: readonly string[]): Promise<ReadonlyMap<string, BrokerQueueCounts>> {
    const channel = await this.#publisher.channel();
    const counts = new Map<string, BrokerQueueCounts>();
    for (const name of names) {
      const reply = await this.#assert(channel, name);
      this.#prepared.add(name);
      counts.set(name, { ready: reply.messageCount });
    }
    return counts;
  }

  async check(): Promise<void> {
    const channel = await this.#publisher.channel();
    await withinTimeout(channel.checkExchange('amq.direct'), this.#o.connectTimeoutMs ?? 5_000, 'asking RabbitMQ');
  }

  async close(): Promise<void> {
    this.#subscription = undefined;
    this.#deliver = undefined;
    clearTimeout(this.#resubscribe);
    await Promise.all([this.#consumerLink.close(), this.#publisher.close()]);
    this.#consumer = undefined;
  }

  /** Test and tooling hook: deletes the queues of these job names, messages included. */
  async deleteQueues(names: readonly string[]): Promise<void> {
    const channel = await this.#publisher.channel();
    for (const name of names) {
      await channel.deleteQueue(this.queueName(name));
      this.#prepared.delete(name);
    }
  }

  async #assert(channel: Channel, name: string) {
    const args = this.#o.unusedQueueExpiryMs ? { 'x-expires': this.#o.unusedQueueExpiryMs } : undefined;
    return withinTimeout(channel.assertQueue(this.queueName(name), { durable: true, ...(args ? { arguments: args } : {}) }), this.#o.connectTimeoutMs ?? 5_000, 'declaring a RabbitMQ queue');
  }

  async #openConsumer(): Promise<void> {
    const subscription = this.#subscription;
    if (!subscription || this.#consumer) return;
    const channel = await this.#consumerLink.newChannel();
    const consumer = { channel, tags: [] as string[] };
    this.#consumer = consumer;
    channel.on('error', (error: Error) => this.#logger.warn({ err: { message: error.message } }, 'rabbitmq consumer channel error'));
    channel.on('close', () => {
      if (this.#consumer === consumer) this.#consumer = undefined;
      // Its unacked deliveries go back to the queues; extend() reports them lost to the consumer.
      if (this.#subscription) this.#scheduleResubscribe(RESUBSCRIBE_DELAY_MS);
    });
    try {
      await channel.prefetch(subscription.options.prefetch, false);
      for (const name of subscription.names) {
        await this.#assert(channel, name);
        const { consumerTag } = await channel.consume(
          this.queueName(name),
          (message) => {
            // null: RabbitMQ cancelled the consumer (its queue was deleted); subscribe again.
            if (!message) return this.#restartConsumer(consumer);
            const delivery: RabbitDelivery = { name, body: message.content.toString('utf8'), redelivered: message.fields.redelivered, message, channel };
            if (this.#deliver) this.#deliver(delivery);
            else channel.nack(message, false, true);
          },
          { noAck: false },
        );
        consumer.tags.push(consumerTag);
      }
    } catch (error) {
      this.#restartConsumer(consumer);
      throw error;
    }
  }

  #restartConsumer(consumer: { channel: Channel }): void {
    if (this.#consumer === consumer) this.#consumer = undefined;
    void consumer.channel.close().catch(() => undefined);
    if (this.#subscription) this.#scheduleResubscribe(RESUBSCRIBE_DELAY_MS);
  }

  #scheduleResubscribe(delayMs: number): void {
    if (!this.#subscription || this.#resubscribe) return;
    this.#resubscribe = setTimeout(() => {
      this.#resubscribe = undefined;
      this.#openConsumer().catch((error: unknown) => {
        this.#logger.warn({ err: { message: (error as Error).message } }, 'could not subscribe to rabbitmq; retrying');
        this.#scheduleResubscribe(RESUBSCRIBE_DELAY_MS);
      });
    }, delayMs);
  }
}
