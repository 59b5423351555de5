import { PeriodicTask } from '../shared/periodic-task.js';
import type { WebhookDeps } from './webhook-deps.js';
import { sweepWebhookDeliveries } from './sweep-webhook-deliveries.js';

/**
 * The periodic loop around {@link sweepWebhookDeliveries} (one pass): runs it every `intervalMs`
 * (default 5 s) until stopped; a failed sweep (database or queue down) is logged and tried again
 * at the next tick.
 */
export class WebhookSweeper {
  readonly #task: PeriodicTask;

  constructor(deps: WebhookDeps, options: { intervalMs?: number } = {}) {
    this.#task = new PeriodicTask({
      name: 'webhook sweep',
      intervalMs: options.intervalMs ?? 5_000,
      logger: deps.logger,
      run: async () => {
        await sweepWebhookDeliveries(deps);
      },
    });
  }

  start(): void {
    this.#task.start();
  }

  /** Finishes the sweep in progress and stops. */
  async stop(): Promise<void> {
    await this.#task.stop();
  }
}
