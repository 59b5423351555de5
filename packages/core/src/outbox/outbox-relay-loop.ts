import { silentLogger, type Logger } from '../shared/logger.js';
import { backoffMs } from '../shared/backoff.js';
import { PeriodicTask } from '../shared/periodic-task.js';
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
 * The periodic loop around {@link relayOutbox} (one pass): passes back to back while full batches
 * come out, every `busyIntervalMs` while some events come, every `intervalMs` when drained (or at
 * once on wake()), and with jittered exponential backoff while the queue or database fails, so
 * events pile up safely in the outbox during an outage and flow again when it ends.
 */
export class OutboxRelay {
  readonly #task: PeriodicTask;

  constructor(options: OutboxRelayOptions) {
    const logger = options.logger ?? silentLogger;
    const batchSize = options.batchSize ?? 100;
    const intervalMs = options.intervalMs ?? 50;
    const busyIntervalMs = Math.min(intervalMs, options.busyIntervalMs ?? 5);
    const maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.#task = new PeriodicTask({
      name: 'outbox relay pass',
      intervalMs,
      firstRunAfterMs: 0,
      logger,
      run: async () => {
        const dispatched = await relayOutbox(options);
        if (dispatched === batchSize) return 0;
        return dispatched > 0 ? busyIntervalMs : intervalMs;
      },
      onError: (error, failures) => {
        const pause = backoffMs(failures + 1, { baseMs: intervalMs, maxMs: maxBackoffMs, jitter: 'equal' });
        logger.warn({ err: { message: (error as Error).message }, failures, retryInMs: pause }, 'outbox relay pass failed');
        return pause;
      },
    });
  }

  start(): void {
    this.#task.start();
  }

  /** Runs a pass now instead of at the next interval (e.g. right after a write in embedded mode). */
  wake(): void {
    this.#task.wake();
  }

  /** Finishes the pass in progress and stops. */
  async stop(): Promise<void> {
    await this.#task.stop();
  }
}
