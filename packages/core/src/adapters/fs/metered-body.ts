import { createHash, type Hash } from 'node:crypto';
import type { BlobBody } from '../../ports/blob-store.js';
import { PayloadTooLargeError, ValidationError } from '../../shared/errors.js';

/** Size and SHA-256 (hex) of the bytes that went through a metered body. */
export interface BlobDigest {
  readonly sizeBytes: number;
  readonly sha256: string;
}

/** A body read once as chunks, counting and hashing on the way, failing past the limit. */
export interface MeteredBody {
  /** Known up front for in-memory bodies (strings and byte arrays), undefined for streams. */
  readonly knownBytes: Uint8Array | undefined;
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Only meaningful once `chunks` has been read to the end. */
  digest(): BlobDigest;
}

/** Refuses (ValidationError) a maxBytes that is not a non-negative safe integer. */
export function assertMaxBytes(maxBytes: number | undefined): void {
  if (maxBytes === undefined) return;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new ValidationError('maxBytes must be a non-negative integer', [{ path: 'maxBytes', message: 'must be a non-negative integer' }]);
  }
}

function toChunk(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  // Readables in string mode yield strings even when typed as byte streams.
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new ValidationError('blob body streams must yield bytes', [{ path: 'body', message: 'stream chunks must be Uint8Array' }]);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

async function* meter(source: AsyncIterable<unknown>, hash: Hash, state: { size: number }, maxBytes: number | undefined): AsyncGenerator<Uint8Array> {
  for await (const value of source) {
    const chunk = toChunk(value);
    state.size += chunk.byteLength;
    // Checked before the chunk is handed on, so no byte past the limit is ever written.
    if (maxBytes !== undefined && state.size > maxBytes) throw new PayloadTooLargeError(maxBytes);
    hash.update(chunk);
    if (chunk.byteLength > 0) yield chunk;
  }
}

/** Wraps a BlobBody so its size and SHA-256 are computed while it is consumed. */
export function meterBody(body: BlobBody, maxBytes?: number): MeteredBody {
  assertMaxBytes(maxBytes);
  const hash = createHash('sha256');
  const state = { size: 0 };
  let knownBytes: Uint8Array | undefined;
  let source: AsyncIterable<unknown>;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    knownBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (maxBytes !== undefined && knownBytes.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
    source = (async function* () {
      yield knownBytes;
    })();
  } else if (isAsyncIterable(body)) {
    source = body;
  } else {
    throw new ValidationError('blob body must be a string, bytes or an async iterable of bytes', [{ path: 'body', message: 'unsupported body type' }]);
  }
  let sha256: string | undefined;
  return {
    knownBytes,
    chunks: meter(source, hash, state, maxBytes),
    digest: () => {
      sha256 ??= hash.digest('hex');
      return { sizeBytes: state.size, sha256 };
    },
  };
}

/** Size and SHA-256 of bytes already in memory. */
export function digestOf(bytes: Uint8Array): BlobDigest {
  return { sizeBytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}
