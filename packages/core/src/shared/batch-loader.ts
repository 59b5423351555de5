/**
 * Coalesces point reads issued while one turn of the event loop runs into one query per scope.
 *
 * Under concurrency a hot read endpoint receives many requests in the same I/O phase; answering
 * each with its own query costs a database round trip (two socket syscalls, a backend wake-up)
 * apiece. The loader collects the ids asked for until the next `setImmediate`, i.e. after every
 * request parsed in this phase has reached it, then reads them with one `id = any(…)` query per
 * scope. At most `maxInFlight` queries run at once: while they do, new ids keep collecting, so
 * batches grow with the load instead of the load turning into more round trips. Every caller
 * still gets a row read after its own request arrived, so nothing is served stale; identical ids
 * in one batch share the row.
 */
export interface BatchLoaderOptions<S, V> {
  /** Batches never mix scopes (tenant, project): this names a scope. */
  readonly scopeKey: (scope: S) => string;
  /** Reads the rows of `ids` visible in `scope`; ids without a row are simply absent. */
  readonly loadMany: (scope: S, ids: readonly string[]) => Promise<readonly V[]>;
  readonly idOf: (value: V) => string;
  /** Ids per query (default 200): bounds the statement and the rows one query returns. */
  readonly maxBatchSize?: number;
  /** Batched queries running at once (default 4): leaves the pool's other connections to other work. */
  readonly maxInFlight?: number;
}

interface Waiter<V> {
  resolve(value: V | null): void;
  reject(error: unknown): void;
}

interface PendingBatch<S, V> {
  readonly scope: S;
  readonly waiters: Map<string, Waiter<V>[]>;
}

export class BatchLoader<S, V> {
  readonly #options: BatchLoaderOptions<S, V>;
  readonly #maxBatchSize: number;
  readonly #maxInFlight: number;
  #pending = new Map<string, PendingBatch<S, V>>();
  #scheduled = false;
  #inFlight = 0;

  constructor(options: BatchLoaderOptions<S, V>) {
    this.#options = options;
    this.#maxBatchSize = options.maxBatchSize ?? 200;
    this.#maxInFlight = options.maxInFlight ?? 4;
  }

  /** The row of `id` in `scope`, or null when there is none. */
  load(scope: S, id: string): Promise<V | null> {
    const key = this.#options.scopeKey(scope);
    let batch = this.#pending.get(key);
    if (!batch) {
      batch = { scope, waiters: new Map() };
      this.#pending.set(key, batch);
    }
    const promise = new Promise<V | null>((resolve, reject) => {
      const list = batch.waiters.get(id);
      if (list) list.push({ resolve, reject });
      else batch.waiters.set(id, [{ resolve, reject }]);
    });
    if (batch.waiters.size >= this.#maxBatchSize) {
      this.#pending.delete(key);
      void this.#run(batch);
    } else {
      this.#schedule();
    }
    return promise;
  }

  #schedule(): void {
    if (this.#scheduled || this.#pending.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    // Full: the batches wait for a running query to finish, gathering more ids meanwhile.
    for (const [key, batch] of this.#pending) {
      if (this.#inFlight >= this.#maxInFlight) return;
      this.#pending.delete(key);
      void this.#run(batch);
    }
  }

  async #run(batch: PendingBatch<S, V>): Promise<void> {
    this.#inFlight += 1;
    try {
      const rows = await this.#options.loadMany(batch.scope, [...batch.waiters.keys()]);
      const byId = new Map<string, V>();
      for (const row of rows) byId.set(this.#options.idOf(row), row);
      for (const [id, waiters] of batch.waiters) for (const w of waiters) w.resolve(byId.get(id) ?? null);
    } catch (error) {
      for (const waiters of batch.waiters.values()) for (const w of waiters) w.reject(error);
    } finally {
      this.#inFlight -= 1;
      this.#schedule();
    }
  }
}
