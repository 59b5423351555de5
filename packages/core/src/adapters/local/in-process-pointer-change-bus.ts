import { LocalListeners, type PointerChange, type PointerChangeBus, type PointerChangeListener } from '../../pointers/pointer-change-bus.js';

/**
 * One process only (PGlite, tests, a library user with one instance): after the commit every
 * listener of this process hears the change. Always connected.
 */
export class InProcessPointerChangeBus implements PointerChangeBus {
  readonly #local = new LocalListeners();

  async inTransaction(): Promise<void> {}

  async published(change: PointerChange): Promise<void> {
    this.#local.change(change);
  }

  async subscribe(listener: PointerChangeListener): Promise<() => Promise<void>> {
    const remove = this.#local.add(listener);
    listener.onConnected(true);
    return async () => {
      remove();
    };
  }

  async close(): Promise<void> {}
}
