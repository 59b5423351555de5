import { forwardAuditEvents, type ForwardAuditEventsOptions } from './forward-audit-events.js';

/** Options of {@link AuditForwarder}. */
export interface AuditForwarderOptions extends Omit<ForwardAuditEventsOptions, 'refused'> {
  /** Pause between passes when everything is forwarded (default 2 s). */
  readonly intervalMs?: number;
  /** Longest pause while the sink is down (default 60 s). */
  readonly maxBackoffMs?: number;
}

/**
 * Forwards audit rows until stopped: passes back to back while full batches go out, every
 * `intervalMs` when caught up, and with growing jittered pauses while the sink is unavailable,
 * so an Orchestrator outage only delays forwarding.
 */
export class AuditForwarder {
  readonly #options: AuditForwarderOptions;
  readonly #refused = new Map<string, number>();
  #loop: Promise<void> | undefined;
  #running = false;
  #wake: (() => void) | undefined;

  constructor(options: AuditForwarderOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Finishes the pass in progress and stops. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(): Promise<void> {
    const interval = this.#options.intervalMs ?? 2_000;
    const maxBackoff = this.#options.maxBackoffMs ?? 60_000;
    const batch = this.#options.batchSize ?? 100;
    let outages = 0;
    while (this.#running) {
      let pause = interval;
      try {
        const pass = await forwardAuditEvents({ ...this.#options, refused: this.#refused });
        if (pass.unavailable) {
          outages += 1;
          const exponential = Math.min(maxBackoff, interval * 2 ** outages);
          pause = Math.round(exponential / 2 + (Math.random() * exponential) / 2);
        } else {
          outages = 0;
          if (pass.forwarded + pass.refused >= batch) pause = 0;
        }
      } catch (error) {
        this.#options.logger.warn({ err: { message: (error as Error).message } }, 'audit forwarding pass failed');
      }
      if (pause > 0) await this.#sleep(pause);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }
}
