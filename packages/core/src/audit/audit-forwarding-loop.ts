import { backoffMs } from '../shared/backoff.js';
import { PeriodicTask } from '../shared/periodic-task.js';
import { forwardAuditEvents, type ForwardAuditEventsOptions } from './forward-audit-events.js';

/** Options of {@link AuditForwarder}. */
export interface AuditForwarderOptions extends Omit<ForwardAuditEventsOptions, 'refused'> {
  /** Pause between passes when everything is forwarded (default 2 s). */
  readonly intervalMs?: number;
  /** Longest pause while the sink is down (default 60 s). */
  readonly maxBackoffMs?: number;
}

/**
 * The periodic loop around {@link forwardAuditEvents} (one pass): passes back to back while full
 * batches go out, every `intervalMs` when caught up, and with growing jittered pauses while the
 * sink is unavailable, so an Orchestrator outage only delays forwarding.
 */
export class AuditForwarder {
  readonly #task: PeriodicTask;

  constructor(options: AuditForwarderOptions) {
    const interval = options.intervalMs ?? 2_000;
    const maxBackoff = options.maxBackoffMs ?? 60_000;
    const batch = options.batchSize ?? 100;
    // Rows the sink refused, with when they may be tried again (kept across passes).
    const refused = new Map<string, number>();
    let outages = 0;
    this.#task = new PeriodicTask({
      name: 'audit forwarding pass',
      intervalMs: interval,
      firstRunAfterMs: 0,
      logger: options.logger,
      run: async () => {
        const pass = await forwardAuditEvents({ ...options, refused });
        if (pass.unavailable) {
          outages += 1;
          return backoffMs(outages + 1, { baseMs: interval, maxMs: maxBackoff, jitter: 'equal' });
        }
        outages = 0;
        return pass.forwarded + pass.refused >= batch ? 0 : interval;
      },
    });
  }

  start(): void {
    this.#task.start();
  }

  /** Finishes the pass in progress and stops. */
  async stop(): Promise<void> {
    await this.#task.stop();
  }
}
