import { silentLogger, type Logger } from '../shared/logger.js';
import { relayOutbox, type RelayOutboxOptions } from './relay-outbox.js';

/** A relay pass plus the pacing of the runner. */
export interface OutboxRelayOptions extends RelayOutboxOptions {
  /** Pause after a pass that found nothing (default 50 ms): the idle polling rate. */
  readonly intervalMs?: number;
  /**
   * Pause after a pass that dispatched some events but not a full batch (default 5 ms): while
   * events flow, the next ones are picked up almost at once, and gather into a batch meanwhile.
   */
  readonly busyIntervalMs?: number;
  /** Longest pause after repeated failures (default 30 s). */
  readonly maxBackoffMs?: number;
  readonly logger?: Logger;
}

/**
 * Runs relay passes until stopped: back to back while full batches come out, every
 * `busyIntervalMs` while some events come, every `intervalMs` when drained (or at once on
 * wake()), and with jittered exponential backoff while the queue or database fails, so
 * events pile up safely in the outbox during an outage and flow again when it ends.
 */
export class OutboxRelay {
  readonly #options: OutboxRelayOptions;
  readonly #logger: Logger;
  #loop: Promise<void> | undefined;
  #running = false;
  #wakePending = false;
  #wakeSleeper: (() => void) | undefined;

  constructor(options: OutboxRelayOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Runs a pass now instead of at the next interval (e.g. right after a write in embedded mode). */
  wake(): void {
    this.#wakePending = true;
    this.#wakeSleeper?.();
  }

  /** Finishes the pass in progress and stops. */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(): Promise<void> {
    const batchSize = this.#options.batchSize ?? 100;
    const intervalMs = this.#options.intervalMs ?? 50;
    const busyIntervalMs = Math.min(intervalMs, this.#options.busyIntervalMs ?? 5);
    const maxBackoffMs = this.#options.maxBackoffMs ?? 30_000;
    let failures = 0;
    while (this.#running) {
      this.#wakePending = false;
      let pause = intervalMs;
      try {
        const dispatched = await relayOutbox(this.#options);
        failures = 0;
        if (dispatched === batchSize) continue;
        if (dispatched > 0) pause = busyIntervalMs;
      } catch (error) {
        failures += 1;
        const exponential = Math.min(maxBackoffMs, intervalMs * 2 ** failures);
        pause = Math.round(exponential / 2 + (Math.random() * exponential) / 2);
        this.#logger.warn({ err: { message: (error as Error).message }, failures, retryInMs: pause }, 'outbox relay pass failed');
      }
      await this.#sleep(pause);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#wakePending || !this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakeSleeper = done;
    });
  }
}
