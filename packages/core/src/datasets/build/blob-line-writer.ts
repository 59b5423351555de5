import type { BlobInfo, BlobStore } from '../../ports/blob-store.js';

const CHUNK_BYTES = 1024 * 1024;
const MAX_QUEUED_CHUNKS = 4;

/**
 * Streams lines into one BlobStore.put with bounded buffering: writes wait while the store is
 * behind. Lines arrive as byte ranges of the processor's output; adjacent ranges of one buffer
 * are merged, so a run of kept records costs one copy into the next ~1 MB chunk, not one per
 * record. Nothing exists under the key until `end()` succeeds; `abort()` leaves nothing.
 */
export class BlobLineWriter {
  readonly #queue: Uint8Array[] = [];
  // Ranges waiting to be copied into the next chunk; the last one may still grow.
  #pieces: Uint8Array[] = [];
  #pendingBytes = 0;
  #runBuffer: Uint8Array | undefined;
  #runStart = 0;
  #runEnd = 0;
  #ended = false;
  #abortError: Error | undefined;
  #failure: unknown;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;
  readonly #done: Promise<BlobInfo>;
  #records = 0;

  constructor(
    blobs: BlobStore,
    readonly key: string,
  ) {
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

  /**
   * Appends one newline-terminated record held in `buffer[start..end)`. Returns a promise only
   * when a chunk was handed to the store and the caller must wait for room (the common case costs
   * no promise per record).
   */
  writeRecord(buffer: Uint8Array, start: number, end: number): Promise<void> | undefined {
    if (this.#failure) throw this.#failure;
    this.#records += 1;
    if (buffer === this.#runBuffer && start === this.#runEnd) {
      this.#runEnd = end;
    } else {
      this.#closeRun();
      this.#runBuffer = buffer;
      this.#runStart = start;
      this.#runEnd = end;
    }
    return this.#pendingBytes + (this.#runEnd - this.#runStart) >= CHUNK_BYTES ? this.#flush() : undefined;
  }

  #closeRun(): void {
    if (this.#runBuffer && this.#runEnd > this.#runStart) {
      this.#pieces.push(this.#runBuffer.subarray(this.#runStart, this.#runEnd));
      this.#pendingBytes += this.#runEnd - this.#runStart;
    }
    this.#runBuffer = undefined;
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
    this.#closeRun();
    if (this.#pendingBytes > 0) {
      this.#queue.push(this.#pieces.length === 1 ? this.#pieces[0]! : Buffer.concat(this.#pieces, this.#pendingBytes));
      this.#pieces = [];
      this.#pendingBytes = 0;
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
