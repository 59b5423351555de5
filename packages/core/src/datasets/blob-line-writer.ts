import type { BlobInfo, BlobStore } from '../ports/blob-store.js';

const CHUNK_CHARS = 256 * 1024;
const MAX_QUEUED_CHUNKS = 4;

/**
 * Streams lines into one BlobStore.put with bounded buffering: `write` waits while the store is
 * behind. Nothing exists under the key until `end()` succeeds; `abort()` leaves nothing.
 */
export class BlobLineWriter {
  readonly #queue: Uint8Array[] = [];
  #pending = '';
  #ended = false;
  #abortError: Error | undefined;
  #failure: unknown;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;
  readonly #done: Promise<BlobInfo>;
  #records = 0;

  constructor(blobs: BlobStore, readonly key: string) {
    this.#done = blobs.put(key, this.#body(), { contentType: 'application/x-ndjson' });
    this.#done.catch((error: unknown) => {
      this.#failure = error;
      this.#wakeProducer?.();
    });
  }

  /** Lines written so far. */
  get records(): number {
    return this.#records;
  }

  async writeLine(json: string): Promise<void> {
    if (this.#failure) throw this.#failure;
    this.#pending += json + '\n';
    this.#records += 1;
    if (this.#pending.length >= CHUNK_CHARS) await this.#flush();
  }

  /** Completes the object and returns its size and SHA-256. */
  async end(): Promise<BlobInfo> {
    await this.#flush();
    this.#ended = true;
    this.#wakeConsumer?.();
    return this.#done;
  }

  /** Abandons the object: the put fails and stores nothing. */
  async abort(reason: Error = new Error('build abandoned')): Promise<void> {
    this.#abortError = reason;
    this.#wakeConsumer?.();
    await this.#done.catch(() => {});
  }

  async #flush(): Promise<void> {
    if (this.#pending.length > 0) {
      this.#queue.push(Buffer.from(this.#pending, 'utf8'));
      this.#pending = '';
      this.#wakeConsumer?.();
    }
    while (this.#queue.length > MAX_QUEUED_CHUNKS && !this.#failure && !this.#abortError) {
      await new Promise<void>((resolve) => (this.#wakeProducer = resolve));
    }
    if (this.#failure) throw this.#failure;
  }

  async *#body(): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.#abortError) throw this.#abortError;
      const chunk = this.#queue.shift();
      if (chunk) {
        this.#wakeProducer?.();
        yield chunk;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
    }
  }
}
