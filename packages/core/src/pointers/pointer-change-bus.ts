import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

/** A pointer of this tenant moved: every cached resolution of the tenant is stale. */
export interface PointerChange {
  readonly tenantId: string;
}

/** What a resolver cache hears from the bus. */
export interface PointerChangeListener {
  /** A pointer of `change.tenantId` moved (here or in another process). */
  onChange(change: PointerChange): void;
  /**
   * Whether changes are being heard right now. While false, changes may be missed, so the cache
   * must not answer; a return to true means anything may have changed meanwhile.
   */
  onConnected(connected: boolean): void;
}

/**
 * Tells every API process that a pointer moved, so their in-process resolve caches drop it.
 * Every mover calls `inTransaction` inside the swap's transaction and `published` after it
 * commits; each adapter does its work in whichever step makes delivery follow the commit.
 */
export interface PointerChangeBus {
  /** Inside the swap's transaction (PostgreSQL NOTIFY is delivered on commit, never on rollback). */
  inTransaction(trx: Transaction<DB>, change: PointerChange): Promise<void>;
  /** After the commit: this process hears it at once; the Redis adapter publishes here. */
  published(change: PointerChange): Promise<void>;
  subscribe(listener: PointerChangeListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The channel pointer changes travel on (PostgreSQL NOTIFY channel, Redis pub/sub channel). */
export const POINTER_CHANGE_CHANNEL = 'ftm_pointer_changed';

/** Fans a change out to this process's listeners; shared by every adapter. */
export class LocalListeners {
  readonly #listeners = new Set<PointerChangeListener>();

  add(listener: PointerChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  change(change: PointerChange): void {
    for (const l of this.#listeners) l.onChange(change);
  }

  connected(connected: boolean): void {
    for (const l of this.#listeners) l.onConnected(connected);
  }
}
