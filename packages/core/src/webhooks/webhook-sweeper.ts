import type { WebhookDeps } from './webhook-deps.js';
import { sweepWebhookDeliveries } from './sweep-webhook-deliveries.js';

/**
 * Runs {@link sweepWebhookDeliveries} every `intervalMs` (default 5 s) until stopped; a failed
 * sweep (database or queue down) is logged and tried again at the next tick.
 */
export class WebhookSweeper {
  readonly #deps: WebhookDeps;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(deps: WebhookDeps, options: { intervalMs?: number } = {}) {
    this.#deps = deps;
    this.#intervalMs = options.intervalMs ?? 5_000;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = sweepWebhookDeliveries(this.#deps)
        .then(() => undefined)
        .catch((error: unknown) => this.#deps.logger.warn({ err: { message: (error as Error).message } }, 'webhook sweep failed'))
        .finally(() => {
          this.#running = undefined;
          this.#schedule();
        });
    }, this.#intervalMs);
    this.#timer.unref?.();
  }
}
