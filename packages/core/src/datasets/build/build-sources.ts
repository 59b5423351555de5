import type { BlobStore } from '../../ports/blob-store.js';
import { readJsonLines, type SourceLine } from './line-reader.js';
import { traceToChatExample } from './trace-mapping.js';
import type { TraceQuery, TraceSource } from '../trace-source.js';

/** The lines of a JSONL blob (an upload, or inline records saved at create time). */
export async function* blobSourceLines(blobs: BlobStore, key: string): AsyncGenerator<SourceLine> {
  yield* readJsonLines(await blobs.get(key));
}

/** Traces mapped to chat examples, numbered in listing order. */
export async function* traceSourceLines(traces: TraceSource, query: TraceQuery, signal?: AbortSignal): AsyncGenerator<SourceLine> {
  let line = 0;
  for await (const trace of traces.listTraces(query, signal)) {
    line += 1;
    yield { line, text: JSON.stringify(traceToChatExample(trace)) };
  }
}

/** The raw bytes of a JSONL blob, for a byte-batched build (the blob is opened on first read). */
export async function* blobSourceBytes(blobs: BlobStore, key: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of await blobs.get(key)) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array);
}
