/**
 * A pause a loop can cut short: `wake()` ends the current `sleep()` at once, or makes the next one
 * return at once when no sleep is in progress (a wake-up during a pass is not lost). The loop
 * calls `clear()` when it starts a pass, so a wake-up means "run again after this pass".
 */
export class WakeableSleep {
  readonly #unref: boolean;
  #pending = false;
  #wakeSleeper: (() => void) | undefined;

  /** `unref`: the timer does not keep the process alive (a background loop's pause). */
  constructor(options: { readonly unref?: boolean } = {}) {
    this.#unref = options.unref ?? false;
  }

  /** Ends the pause in progress, or the next one. */
  wake(): void {
    this.#pending = true;
    this.#wakeSleeper?.();
  }

  /** Forgets a wake-up that came before the pass now starting. */
  clear(): void {
    this.#pending = false;
  }

  /** Waits `ms`, or less when woken. */
  sleep(ms: number): Promise<void> {
    if (this.#pending) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (this.#unref) timer.unref?.();
      this.#wakeSleeper = done;
    });
  }
}
