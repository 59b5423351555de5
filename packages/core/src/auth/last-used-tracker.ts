import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

/** Options of {@link LastUsedTracker}. */
export interface LastUsedTrackerOptions {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A key's last_used_at is written at most this often (default one minute). */
  readonly resolutionMs?: number;
}

/**
 * Keeps `api_keys.last_used_at` roughly current without a write per request: uses are noted in
 * memory and flushed in one batch, each key at most once per resolution window.
 */
export class LastUsedTracker {
  readonly #pending = new Map<string, Date>();
  readonly #lastWritten = new Map<string, number>();
  readonly #resolutionMs: number;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;

  constructor(private readonly options: LastUsedTrackerOptions) {
    this.#resolutionMs = options.resolutionMs ?? 60_000;
  }

  /** Notes that a key was used now; cheap enough for every request. */
  touch(keyId: string): void {
    const now = this.options.clock.now();
    const last = this.#lastWritten.get(keyId);
    if (last !== undefined && now.getTime() - last < this.#resolutionMs) return;
    this.#lastWritten.set(keyId, now.getTime());
    this.#pending.set(keyId, now);
    this.#timer ??= setTimeout(() => void this.flush(), Math.min(this.#resolutionMs, 5_000)).unref();
  }

  /** Writes every pending use; failures are logged and dropped (it is advisory data). */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#flushing;
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending];
    this.#pending.clear();
    this.#flushing = (async () => {
      for (const [keyId, at] of batch) {
        try {
          await this.options.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', keyId).execute();
        } catch (error) {
          this.options.logger.warn({ err: error, keyId }, 'could not record API key use');
        }
      }
    })();
    await this.#flushing;
    this.#flushing = undefined;
  }
}
