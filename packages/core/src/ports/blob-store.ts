import type { Readable } from 'node:stream';

/** What a stored blob is: its key, exact size and SHA-256 (hex) of the bytes as stored. */
export interface BlobInfo {
  readonly key: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

export interface BlobPutOptions {
  readonly contentType?: string;
  /** Refuse (PayloadTooLargeError) and keep nothing once more bytes than this arrive. */
  readonly maxBytes?: number;
}

export type BlobBody = Uint8Array | string | AsyncIterable<Uint8Array>;

/**
 * Object storage. Keys are `/`-separated relative paths (`datasets/t/p/id/v1/train.jsonl`).
 * A put is atomic: readers see the whole new object or nothing; a failed put leaves nothing.
 */
export interface BlobStore {
  put(key: string, body: BlobBody, options?: BlobPutOptions): Promise<BlobInfo>;
  /** Streams the object; NotFoundError when absent. */
  get(key: string): Promise<Readable>;
  /** Size and content type, or null when absent. */
  head(key: string): Promise<{ readonly sizeBytes: number; readonly contentType?: string } | null>;
  /** Deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix, in lexical order. */
  list(prefix: string): AsyncIterable<string>;
  /** A time-limited download URL, or null when the backend has none (filesystem). */
  presignGet(key: string, expiresInSec: number): Promise<string | null>;
  /** Throws when the backend cannot be reached (readiness probe). */
  check(): Promise<void>;
  close(): Promise<void>;
}
