import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { processBatch, type ProcessedBatch, type ProcessOptions } from './record-processor.js';
import type { RecordWorkerTask } from './record-worker.js';

/** Runs processBatch somewhere: inline, or spread over worker threads. */
export interface RecordProcessor {
  /** Processes whole JSONL lines of valid UTF-8; the input buffer may be transferred (detached). */
  process(input: Uint8Array, options: ProcessOptions): Promise<ProcessedBatch>;
  close(): Promise<void>;
  /**
   * Batches it works on at once, those waiting in its threads' queues included: a build keeps at
   * least this many in flight, so no thread waits for the next one (1 when omitted).
   */
  readonly capacity?: number;
}

/** Processes batches on the calling thread (small builds, tests). */
export const inlineRecordProcessor: RecordProcessor = {
  capacity: 1,
  process: (input, options) => processBatch(input, options),
  close: async () => {},
};

interface Pending {
  readonly task: RecordWorkerTask;
  readonly resolve: (batch: ProcessedBatch) => void;
  readonly reject: (error: Error) => void;
}

// Bounded heaps keep each thread's footprint flat; the young generation must hold a whole batch's
// parsed records. How 16 MB and 512 MB were chosen, measured: docs/datasets.md, "Tuning constants".
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 512 };

// Each worker holds its next batch while it processes one: when it finishes, the next is already
// in its own message queue, instead of waiting for this thread (busy routing the last results)
// to notice and send one.
const BATCHES_PER_WORKER = 2;

/**
 * Starts the worker module beside this one: `record-worker.js` in a build (tsup must emit it next
 * to the module importing this), or from source the `.ts` file behind tsx's loader, registered
 * inside the thread first because `--import` in a worker's execArgv runs too late on Node 20.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./record-worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS });
  // tsx's `esm/api` export, import flavour (its require flavour cannot register from a worker).
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./record-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, resourceLimits: WORKER_LIMITS });
}

export interface RecordProcessorPoolOptions {
  /** Worker threads; default the machine's parallelism, at most 4. */
  readonly threads?: number;
}

const poolThreads = (options: RecordProcessorPoolOptions): number => Math.max(1, options.threads ?? Math.min(4, availableParallelism()));

/**
 * A small pool of worker threads for the CPU-heavy part of a build (tokenizing, detection,
 * hashing). A batch goes to the worker with the fewest batches in hand (at most two each);
 * each result answers its own batch, and callers keep their order by awaiting results in
 * submission order.
 */
export class RecordProcessorPool implements RecordProcessor {
  readonly #all: Worker[] = [];
  readonly #queue: Pending[] = [];
  /** Per worker, the batches it was sent and has not answered yet, by task id. */
  readonly #running = new Map<Worker, Map<number, Pending>>();
  #nextId = 0;
  #closed = false;
  #failure: Error | undefined;

  constructor(options: RecordProcessorPoolOptions = {}) {
    const threads = poolThreads(options);
    for (let i = 0; i < threads; i++) {
      const worker = startWorker();
      worker.on('message', (msg: { id: number; result?: ProcessedBatch; error?: string }) => this.#onMessage(worker, msg));
      worker.on('error', (error) => this.#onFailure(worker, error));
      worker.on('exit', (code) => {
        if (!this.#closed) this.#onFailure(worker, new Error(`record worker exited with code ${code}`));
      });
      this.#all.push(worker);
      this.#running.set(worker, new Map());
    }
  }

  get threads(): number {
    return this.#all.length;
  }

  get capacity(): number {
    return this.#all.length * BATCHES_PER_WORKER;
  }

  process(input: Uint8Array, options: ProcessOptions): Promise<ProcessedBatch> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new Error('the record processor pool is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ task: { id: this.#nextId++, input, options }, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new Error('the record processor pool is closed'));
    await Promise.all(this.#all.map((w) => w.terminate()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const worker = this.#leastBusy();
      if (worker === undefined) return;
      const pending = this.#queue.shift()!;
      this.#running.get(worker)!.set(pending.task.id, pending);
      // The batch's bytes move to the worker (the caller's view is detached), unless they are a
      // view into a bigger buffer, which is copied instead.
      const { input } = pending.task;
      const owned = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength && input.buffer instanceof ArrayBuffer;
      worker.postMessage(pending.task, owned ? [input.buffer as ArrayBuffer] : []);
    }
  }

  /** The worker with the fewest batches sent and unanswered, if one has room for another. */
  #leastBusy(): Worker | undefined {
    let best: Worker | undefined;
    let fewest = BATCHES_PER_WORKER;
    for (const worker of this.#all) {
      const sent = this.#running.get(worker)!.size;
      if (sent < fewest) {
        best = worker;
        fewest = sent;
      }
    }
    return best;
  }

  #onMessage(worker: Worker, msg: { id: number; result?: ProcessedBatch; error?: string }): void {
    // Matched by id: a worker may answer out of order (its first batches all wait for the
    // tokenizer to load, then finish in whatever order).
    const running = this.#running.get(worker)!;
    const pending = running.get(msg.id);
    running.delete(msg.id);
    if (pending) {
      if (msg.result) pending.resolve(msg.result);
      else pending.reject(new Error(msg.error ?? 'record worker failed'));
    }
    this.#dispatch();
  }

  #onFailure(worker: Worker, error: Error): void {
    // A dead worker fails the build: a retry of the whole job is simpler and deterministic.
    this.#failure ??= error;
    const running = this.#running.get(worker)!;
    for (const pending of running.values()) pending.reject(error);
    running.clear();
    for (const p of this.#queue.splice(0)) p.reject(error);
  }
}

/**
 * A RecordProcessorPool started on first use: a process that never builds a dataset (an API
 * pod) starts no threads and loads no tokenizer. One per process, closed after the worker drains.
 */
export class LazyRecordProcessor implements RecordProcessor {
  #pool: RecordProcessorPool | undefined;
  #closed = false;

  constructor(private readonly options: RecordProcessorPoolOptions = {}) {}

  /** The pool's capacity, known before it starts. */
  get capacity(): number {
    return poolThreads(this.options) * BATCHES_PER_WORKER;
  }

  process(input: Uint8Array, options: ProcessOptions): Promise<ProcessedBatch> {
    if (this.#closed) return Promise.reject(new Error('the record processor pool is closed'));
    this.#pool ??= new RecordProcessorPool(this.options);
    return this.#pool.process(input, options);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool?.close();
  }
}
