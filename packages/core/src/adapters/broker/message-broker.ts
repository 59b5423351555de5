/**
 * What the broker-backed Queue (`BrokerQueue`) needs from a message broker: one broker queue per
 * job name, publish with a broker acknowledgement, at-least-once delivery with an explicit ack,
 * and per-queue counts. RabbitMQ (`RabbitBroker`) and SQS (`SqsBroker`) implement it; everything
 * a broker does not do alike (dedupe, delays, retries, dead letters) lives in `BrokerQueue` and
 * its ledger table, so both brokers behave the same.
 */

/** One message handed to a subscriber; settle it with ack(), release() or let the broker redeliver it. */
export interface BrokerDelivery {
  readonly name: string;
  readonly body: string;
  /**
   * How many times the broker has handed this message out, this delivery included, when the
   * broker counts (SQS). Absent where it only says "delivered before" (RabbitMQ classic queues).
   */
  readonly deliveryCount?: number;
  /** The broker handed this message out before (to a worker that did not settle it). */
  readonly redelivered: boolean;
}

/** Counts of one broker queue; `inFlight` only where the broker knows it (SQS). */
export interface BrokerQueueCounts {
  readonly ready: number;
  readonly inFlight?: number;
  /** Messages the broker itself holds back (SQS delay seconds); none where delays are ours. */
  readonly delayed?: number;
}

/** How a subscription takes messages. */
export interface SubscribeOptions {
  /** Most unsettled deliveries per job name. */
  readonly prefetch: number;
  /** How long a delivery stays invisible to other consumers without extend() (SQS); ignored by RabbitMQ. */
  readonly visibilityTimeoutMs: number;
}

/** A message broker as BrokerQueue uses it. */
export interface MessageBroker {
  /** A short name for logs and errors (`rabbitmq`, `sqs`). */
  readonly kind: string;
  /** True when counts() reports in-flight messages, so BrokerQueue need not track them itself. */
  readonly countsInFlight: boolean;
  /** Creates the broker queue of a job name if it does not exist (idempotent, cached). */
  prepare(name: string): Promise<void>;
  /** Publishes one message and resolves once the broker has taken responsibility for it. */
  publish(name: string, body: string): Promise<void>;
  /** Starts delivering messages of these job names to `onDelivery` until unsubscribe(). */
  subscribe(names: readonly string[], options: SubscribeOptions, onDelivery: (delivery: BrokerDelivery) => void): Promise<void>;
  /** Stops new deliveries; deliveries already handed out stay unsettled until settled. */
  unsubscribe(): Promise<void>;
  /** Removes a delivery for good (the job is done, retried elsewhere, or dead-lettered). */
  ack(delivery: BrokerDelivery): Promise<void>;
  /** Hands a delivery back for redelivery now. */
  release(delivery: BrokerDelivery): Promise<void>;
  /**
   * Keeps these deliveries invisible for `visibilityTimeoutMs` more; resolves to the ones this
   * consumer no longer holds (their visibility passed and another consumer may have them).
   */
  extend(deliveries: readonly BrokerDelivery[], visibilityTimeoutMs: number): Promise<ReadonlySet<BrokerDelivery>>;
  /** Counts per job name; a name whose broker queue does not exist counts as empty. */
  counts(names: readonly string[]): Promise<ReadonlyMap<string, BrokerQueueCounts>>;
  /** Resolves while the broker answers. */
  check(): Promise<void>;
  /** Closes every connection; unsettled deliveries go back to the broker. */
  close(): Promise<void>;
  /** Test and tooling hook: deletes the broker queues of these job names, messages included. */
  deleteQueues(names: readonly string[]): Promise<void>;
}
