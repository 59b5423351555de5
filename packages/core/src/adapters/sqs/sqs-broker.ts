import type { SQSClient } from '@aws-sdk/client-sqs';
import { lazyRequire } from '../../shared/lazy-require.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { BrokerDelivery, BrokerQueueCounts, MessageBroker, SubscribeOptions } from '../broker/message-broker.js';
import { sqsQueueName, type SqsLocation } from './sqs-location.js';

// The AWS SDK loads only when an SQS queue is opened (see lazyRequire).
const sqs = lazyRequire<typeof import('@aws-sdk/client-sqs')>('@aws-sdk/client-sqs');

/** Where the queues are and how to reach them. */
export interface SqsBrokerOptions {
  readonly location: SqsLocation;
  /** Queue names are `<prefix>-<job name>` (see sqsQueueName); the URL's prefix wins over this one. */
  readonly prefix: string;
  /** Static credentials (emulators, tests); absent, the AWS SDK's default chain (env, profile, role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Long-poll wait of one receive (0-20 s). */
  readonly waitTimeSeconds?: number;
  readonly requestTimeoutMs?: number;
  readonly logger?: Logger;
}

interface SqsDelivery extends BrokerDelivery {
  readonly queueUrl: string;
  readonly receiptHandle: string;
}

/** SQS keeps a message 4 days by default; FTM asks for the maximum, 14 days. */
const RETENTION_SECONDS = String(14 * 24 * 60 * 60);
const RECEIVE_ERROR_BACKOFF_MS = 1_000;

const seconds = (ms: number): number => Math.min(43_200, Math.max(1, Math.ceil(ms / 1000)));
const isMissingQueue = (error: unknown): boolean => error instanceof Error && (error.name === 'QueueDoesNotExist' || error.name === 'AWS.SimpleQueueService.NonExistentQueue');

/**
 * MessageBroker on Amazon SQS (standard queues) through the AWS SDK: one queue per job name,
 * created on first use (14-day retention), long polling per job name with at most `prefetch`
 * messages held per name, the visibility timeout kept alive by ChangeMessageVisibility while a
 * job is held, and ApproximateReceiveCount as the delivery count. SQS's own delays (at most
 * 15 minutes) and redrive policies are not used: delays, retries and dead letters are in the
 * ledger, the same as on RabbitMQ.
 */
export class SqsBroker implements MessageBroker {
  readonly kind = 'sqs';
  readonly countsInFlight = true;
  readonly #o: SqsBrokerOptions;
  readonly #logger: Logger;
  readonly #client: SQSClient;
  readonly #prefix: string;
  readonly #urls = new Map<string, Promise<string>>();
  #polls: { controller: AbortController; loops: Promise<void>[] } | undefined;
  #deliver: ((delivery: BrokerDelivery) => void) | undefined;
  /** Unsettled deliveries per job name, and the wake-up of a poll loop waiting for a free slot. */
  readonly #held = new Map<string, Set<SqsDelivery>>();
  readonly #slotFreed = new Map<string, () => void>();

  constructor(options: SqsBrokerOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    this.#prefix = options.location.prefix ?? options.prefix;
    const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#client = new (sqs().SQSClient)({
      endpoint: options.location.endpoint,
      region: options.location.region ?? 'us-east-1',
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: 3,
      requestHandler: {
        connectionTimeout: 5_000,
        // A long poll holds its request for waitTimeSeconds: the timeout must outlast it.
        requestTimeout: requestTimeoutMs + (options.waitTimeSeconds ?? 20) * 1000,
        throwOnRequestTimeout: true,
      },
    });
  }

  /** The SQS queue of a job name. */
  queueName(name: string): string {
    return sqsQueueName(this.#prefix, name);
  }

  async prepare(name: string): Promise<void> {
    await this.#url(name, true);
  }

  async publish(name: string, body: string): Promise<void> {
    await this.#client.send(new (sqs().SendMessageCommand)({ QueueUrl: await this.#url(name, true), MessageBody: body }));
  }

  async subscribe(names: readonly string[], options: SubscribeOptions, onDelivery: (delivery: BrokerDelivery) => void): Promise<void> {
    const controller = new AbortController();
    this.#deliver = onDelivery;
    const urls = await Promise.all(names.map((name) => this.#url(name, true)));
    this.#polls = { controller, loops: names.map((name, i) => this.#poll(name, urls[i]!, options, controller.signal)) };
  }

  async unsubscribe(): Promise<void> {
    const polls = this.#polls;
    this.#polls = undefined;
    if (!polls) return;
    polls.controller.abort();
    for (const wake of this.#slotFreed.values()) wake();
    await Promise.all(polls.loops);
  }

  async ack(delivery: BrokerDelivery): Promise<void> {
    const d = delivery as SqsDelivery;
    try {
      await this.#client.send(new (sqs().DeleteMessageCommand)({ QueueUrl: d.queueUrl, ReceiptHandle: d.receiptHandle }));
    } finally {
      this.#settled(d);
    }
  }

  async release(delivery: BrokerDelivery): Promise<void> {
    const d = delivery as SqsDelivery;
    try {
      await this.#client.send(new (sqs().ChangeMessageVisibilityCommand)({ QueueUrl: d.queueUrl, ReceiptHandle: d.receiptHandle, VisibilityTimeout: 0 }));
    } finally {
      this.#settled(d);
    }
  }

  async extend(deliveries: readonly BrokerDelivery[], visibilityTimeoutMs: number): Promise<ReadonlySet<BrokerDelivery>> {
    const lost = new Set<BrokerDelivery>();
    const byQueue = new Map<string, SqsDelivery[]>();
    for (const d of deliveries as readonly SqsDelivery[]) byQueue.set(d.queueUrl, [...(byQueue.get(d.queueUrl) ?? []), d]);
    for (const [queueUrl, list] of byQueue) {
      for (let i = 0; i < list.length; i += 10) {
        const batch = list.slice(i, i + 10);
        const result = await this.#client.send(
          new (sqs().ChangeMessageVisibilityBatchCommand)({
            QueueUrl: queueUrl,
            Entries: batch.map((d, j) => ({ Id: String(j), ReceiptHandle: d.receiptHandle, VisibilityTimeout: seconds(visibilityTimeoutMs) })),
          }),
        );
        for (const failure of result.Failed ?? []) {
          const d = batch[Number(failure.Id)];
          if (d) {
            lost.add(d);
            this.#settled(d);
          }
        }
      }
    }
    return lost;
  }

  async counts(names: readonly string[]): Promise<ReadonlyMap<string, BrokerQueueCounts>> {
    const entries = await Promise.all(
      names.map(async (name): Promise<[string, BrokerQueueCounts]> => {
        let url: string;
        try {
          url = await this.#url(name, false);
        } catch (error) {
          if (isMissingQueue(error)) return [name, { ready: 0, inFlight: 0, delayed: 0 }];
          throw error;
        }
        const { Attributes: a = {} } = await this.#client.send(
          new (sqs().GetQueueAttributesCommand)({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
          }),
        );
        return [
          name,
          {
            ready: Number(a.ApproximateNumberOfMessages ?? 0),
            inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
            delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
          },
        ];
      }),
    );
    return new Map(entries);
  }

  async check(): Promise<void> {
    await this.#client.send(new (sqs().ListQueuesCommand)({ QueueNamePrefix: this.#prefix, MaxResults: 1 }));
  }

  async close(): Promise<void> {
    await this.unsubscribe();
    this.#deliver = undefined;
    this.#client.destroy();
  }

  /** Test and tooling hook: deletes the queues of these job names, messages included. */
  async deleteQueues(names: readonly string[]): Promise<void> {
    for (const name of names) {
      try {
        await this.#client.send(new (sqs().DeleteQueueCommand)({ QueueUrl: await this.#url(name, false) }));
      } catch (error) {
        if (!isMissingQueue(error)) throw error;
      }
      this.#urls.delete(name);
    }
  }

  /** The queue URL of a job name, created first when `create` (cached once found). */
  #url(name: string, create: boolean): Promise<string> {
    const cached = this.#urls.get(name);
    if (cached) return cached;
    const QueueName = this.queueName(name);
    const owner = this.#o.location.accountId ? { QueueOwnerAWSAccountId: this.#o.location.accountId } : {};
    const lookup = (async () => {
      try {
        return (await this.#client.send(new (sqs().GetQueueUrlCommand)({ QueueName, ...owner }))).QueueUrl!;
      } catch (error) {
        if (!create || !isMissingQueue(error)) throw error;
        return (await this.#client.send(new (sqs().CreateQueueCommand)({ QueueName, Attributes: { MessageRetentionPeriod: RETENTION_SECONDS } }))).QueueUrl!;
      }
    })();
    this.#urls.set(name, lookup);
    lookup.catch(() => this.#urls.delete(name));
    return lookup;
  }

  async #poll(name: string, queueUrl: string, options: SubscribeOptions, signal: AbortSignal): Promise<void> {
    const held = this.#held.get(name) ?? new Set<SqsDelivery>();
    this.#held.set(name, held);
    while (!signal.aborted) {
      const free = options.prefetch - held.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => this.#slotFreed.set(name, resolve));
        continue;
      }
      try {
        const { Messages = [] } = await this.#client.send(
          new (sqs().ReceiveMessageCommand)({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, free),
            WaitTimeSeconds: this.#o.waitTimeSeconds ?? 20,
            VisibilityTimeout: seconds(options.visibilityTimeoutMs),
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: signal },
        );
        for (const m of Messages) {
          const count = Number(m.Attributes?.ApproximateReceiveCount ?? 1);
          const delivery: SqsDelivery = { name, body: m.Body ?? '', deliveryCount: count, redelivered: count > 1, queueUrl, receiptHandle: m.ReceiptHandle! };
          held.add(delivery);
          this.#deliver?.(delivery);
        }
      } catch (error) {
        if (signal.aborted) return;
        this.#logger.warn({ jobName: name, err: { message: (error as Error).message } }, 'receiving from sqs failed; retrying');
        await new Promise((r) => setTimeout(r, RECEIVE_ERROR_BACKOFF_MS));
      }
    }
  }

  #settled(delivery: SqsDelivery): void {
    if (this.#held.get(delivery.name)?.delete(delivery)) {
      const wake = this.#slotFreed.get(delivery.name);
      this.#slotFreed.delete(delivery.name);
      wake?.();
    }
  }
}
