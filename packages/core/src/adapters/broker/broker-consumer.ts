import { UnrecoverableError } from '../../shared/errors.js';
import { uuidv7 } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { queueRetryDelayMs, type JobHandler } from '../../ports/queue.js';
import { LeaseLostError, ShutdownAbortError } from '../local-queue/local-consumer.js';
import { decodeEnvelope, encodeEnvelope, type JobEnvelope } from './job-envelope.js';
import type { JobLedger, LedgerJob } from './job-ledger.js';
import type { BrokerDelivery, MessageBroker } from './message-broker.js';

/** Everything a consumer needs, resolved by BrokerQueue.consume(). */
export interface BrokerConsumerOptions {
  readonly broker: MessageBroker;
  readonly ledger: JobLedger;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly concurrency: number;
  readonly visibilityTimeoutMs: number;
  /** Called when a retry is scheduled `inMs` from now, so the promoter wakes for it. */
  readonly onRetryScheduled: (inMs: number) => void;
  /** Called whenever the deliveries held per name change. */
  readonly onHeldChanged: () => void;
  readonly logger: Logger;
}

/** One unsettled delivery: waiting for a slot, or running. */
interface Held {
  readonly delivery: BrokerDelivery;
  readonly envelope: JobEnvelope;
  readonly attempt: number;
  readonly controller: AbortController;
  /** Its visibility passed: the broker may have handed it to another worker, which now owns it. */
  lost: boolean;
  /** Its outcome is recorded and only the ack is under way: no longer counted as active. */
  settled: boolean;
}

const MAX_ERROR_LENGTH = 2_000;

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/**
 * The consuming side of BrokerQueue: runs at most `concurrency` handlers at once over every
 * subscribed job name, keeps SQS deliveries invisible while they are held, and settles each
 * delivery: ack after success (and the ledger row's removal), or a ledger retry/dead letter and
 * then ack. A delivery it cannot settle is released back to the broker, never dropped.
 */
export class BrokerConsumer {
  readonly #o: BrokerConsumerOptions;
  readonly #held = new Map<BrokerDelivery, Held>();
  readonly #pending: Held[] = [];
  readonly #work = new Set<Promise<void>>();
  #running = 0;
  #stopping = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #heartbeatBusy = false;

  constructor(options: BrokerConsumerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const names = Object.keys(this.#o.handlers);
    await this.#o.broker.subscribe(names, { prefetch: this.#o.concurrency, visibilityTimeoutMs: this.#o.visibilityTimeoutMs }, (d) => this.#track(this.#receive(d)));
    const beat = Math.max(50, Math.floor(this.#o.visibilityTimeoutMs / 3));
    this.#heartbeat = setInterval(() => void this.#extend(), beat);
  }

  /** Deliveries held (waiting or running) per job name. */
  heldByName(): Map<string, number> {
    return this.#countBy((h) => !h.settled);
  }

  /** Deliveries whose outcome is recorded but whose ack is still under way, per job name. */
  settlingByName(): Map<string, number> {
    return this.#countBy((h) => h.settled);
  }

  #countBy(predicate: (held: Held) => boolean): Map<string, number> {
    const counts = new Map<string, number>();
    for (const h of this.#held.values()) if (predicate(h)) counts.set(h.delivery.name, (counts.get(h.delivery.name) ?? 0) + 1);
    return counts;
  }

  /** Stops receiving, hands back what has not started, waits for running jobs, then aborts them. */
  async stop(drainTimeoutMs: number): Promise<void> {
    this.#stopping = true;
    await this.#o.broker.unsubscribe();
    for (const h of this.#pending.splice(0)) this.#track(this.#handBack(h));
    if (!(await this.#idleWithin(drainTimeoutMs))) {
      for (const h of this.#held.values()) h.controller.abort(new ShutdownAbortError('the worker stopped before the job finished'));
      // A handler that ignores its signal is left behind; its delivery goes back to the broker on close.
      await this.#idleWithin(Math.min(drainTimeoutMs, 5_000));
    }
    clearInterval(this.#heartbeat);
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.#o.logger.error({ err: { message: describeError(error) } }, 'settling a delivery failed'));
    this.#work.add(tracked);
    void tracked.finally(() => this.#work.delete(tracked));
  }

  async #idleWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.#work.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.#work]), new Promise((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
    return true;
  }

  async #receive(delivery: BrokerDelivery): Promise<void> {
    const envelope = decodeEnvelope(delivery.body);
    if (!envelope) return this.#quarantine(delivery);
    if (delivery.deliveryCount === undefined && delivery.redelivered) {
      // The broker cannot say how often it was handed out: count the lost attempt by publishing
      // it anew, so a job that keeps killing its worker still reaches its last attempt.
      await this.#o.broker.publish(delivery.name, encodeEnvelope({ ...envelope, attempt: envelope.attempt + 1 }));
      return this.#o.broker.ack(delivery);
    }
    const attempt = envelope.attempt + Math.max(0, (delivery.deliveryCount ?? 1) - 1);
    const held: Held = { delivery, envelope, attempt, controller: new AbortController(), lost: false, settled: false };
    if (attempt > envelope.maxAttempts) {
      const job = this.#ledgerJob(held, envelope.payload, envelope.maxAttempts);
      return this.#settle(held, () => this.#o.ledger.deadLetter(job, 'the job was lost by its worker on its last attempt'));
    }
    this.#held.set(delivery, held);
    this.#o.onHeldChanged();
    if (this.#stopping) return this.#handBack(held);
    this.#pending.push(held);
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopping && this.#running < this.#o.concurrency && this.#pending.length > 0) {
      const held = this.#pending.shift()!;
      this.#running += 1;
      this.#track(
        this.#execute(held).finally(() => {
          this.#running -= 1;
          this.#forget(held);
          this.#pump();
        }),
      );
    }
  }

  async #execute(held: Held): Promise<void> {
    const { envelope, attempt, delivery } = held;
    const log = this.#o.logger.child({ jobId: envelope.id, jobName: envelope.name, attempt });
    let payload = envelope.payload;
    try {
      if (envelope.stored) {
        const row = await this.#o.ledger.payloadOf(envelope.id, envelope.token!);
        if (!row) {
          // Its row is gone: this is a duplicate of a job that already succeeded.
          await this.#o.broker.ack(delivery);
          return;
        }
        payload = row.payload;
      }
      const handler = this.#o.handlers[envelope.name];
      if (!handler) throw new UnrecoverableError(`no handler for job ${envelope.name}`);
      await handler({ id: envelope.id, name: envelope.name, payload, attempt, maxAttempts: envelope.maxAttempts }, held.controller.signal);
    } catch (error) {
      const message = describeError(error);
      const job = this.#ledgerJob(held, payload, attempt);
      if (error instanceof UnrecoverableError || attempt >= envelope.maxAttempts) {
        await this.#settle(held, () => this.#o.ledger.deadLetter(job, message));
        log.warn({ err: { message } }, 'job dead-lettered');
        return;
      }
      const retryInMs = queueRetryDelayMs(envelope.backoffMs, attempt);
      await this.#settle(held, () => this.#o.ledger.scheduleRetry(job, message, retryInMs));
      this.#o.onRetryScheduled(retryInMs);
      log.info({ err: { message }, retryInMs }, 'job failed; retrying');
      return;
    }
    await this.#settle(held, async () => {
      if (envelope.token) await this.#o.ledger.remove(envelope.id, envelope.token);
    });
  }

  /** Records the outcome, then acks; if the record fails, the delivery goes back to the broker. */
  async #settle(held: Held, record: () => Promise<void>): Promise<void> {
    if (held.lost) {
      this.#o.logger.warn({ jobId: held.envelope.id }, 'the job lost its delivery while running; the worker that has it now settles it');
      return;
    }
    try {
      await record();
    } catch (error) {
      this.#o.logger.error({ jobId: held.envelope.id, err: { message: describeError(error) } }, 'could not record a job outcome; handing the job back');
      await this.#o.broker.release(held.delivery).catch(() => {});
      return;
    }
    held.settled = true;
    this.#o.onHeldChanged();
    await this.#o.broker.ack(held.delivery).catch((error: unknown) =>
      // The broker redelivers it (its lease or channel is gone); the ledger already says what happened.
      this.#o.logger.warn({ jobId: held.envelope.id, err: { message: describeError(error) } }, 'ack failed; the job may be delivered again'),
    );
  }

  /** Publishes a delivery that never started anew (same attempt), so stopping costs it no attempt. */
  async #handBack(held: Held): Promise<void> {
    try {
      await this.#o.broker.publish(held.delivery.name, encodeEnvelope({ ...held.envelope, attempt: held.attempt }));
      await this.#o.broker.ack(held.delivery);
    } catch {
      await this.#o.broker.release(held.delivery).catch(() => {});
    } finally {
      this.#forget(held);
    }
  }

  /** A message that is not an FTM job: kept as a dead letter (raw body as payload), never dropped. */
  async #quarantine(delivery: BrokerDelivery): Promise<void> {
    const job: LedgerJob = { id: uuidv7(), name: delivery.name, token: uuidv7(), payload: delivery.body, attempt: 0, maxAttempts: 1, backoffMs: 0 };
    const held: Held = {
      delivery,
      envelope: { v: 1, id: job.id, name: job.name, attempt: 1, maxAttempts: 1, backoffMs: 0 },
      attempt: 1,
      controller: new AbortController(),
      lost: false,
      settled: false,
    };
    this.#o.logger.warn({ jobName: delivery.name, deadLetterId: job.id }, 'a message that is not an FTM job was dead-lettered');
    await this.#settle(held, () => this.#o.ledger.deadLetter(job, 'not an FTM job message'));
  }

  #ledgerJob(held: Held, payload: unknown, attemptsMade: number): LedgerJob {
    const { envelope } = held;
    return {
      id: envelope.id,
      name: envelope.name,
      token: envelope.token ?? uuidv7(),
      payload,
      attempt: attemptsMade,
      maxAttempts: envelope.maxAttempts,
      backoffMs: envelope.backoffMs,
    };
  }

  #forget(held: Held): void {
    if (this.#held.get(held.delivery) === held) {
      this.#held.delete(held.delivery);
      this.#o.onHeldChanged();
    }
  }

  async #extend(): Promise<void> {
    if (this.#heartbeatBusy || this.#held.size === 0) return;
    this.#heartbeatBusy = true;
    try {
      const lost = await this.#o.broker.extend([...this.#held.keys()], this.#o.visibilityTimeoutMs);
      for (const delivery of lost) {
        const held = this.#held.get(delivery);
        if (!held) continue;
        held.lost = true;
        const waiting = this.#pending.indexOf(held);
        if (waiting >= 0) {
          this.#pending.splice(waiting, 1);
          this.#forget(held);
        }
        held.controller.abort(new LeaseLostError('the job lease expired and the job was handed to another worker'));
      }
    } catch (error) {
      this.#o.logger.warn({ err: { message: describeError(error) } }, 'extending job visibility failed');
    } finally {
      this.#heartbeatBusy = false;
    }
  }
}
