import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../../shared/errors.js';
import { binaryError, MAX_LINE_BYTES, utf8Error, type SourceLine, type SourceRef } from './line-reader.js';

/**
 * A batch of whole JSONL lines as bytes, for the record processor. Byte sources number their
 * lines by position (`lineNumbers` absent: the batch continues where the previous one ended);
 * line sources carry each line's own number.
 */
export interface SourceBatch {
  /** Whole lines of valid UTF-8; owns its ArrayBuffer, so it can move to a worker thread. */
  readonly input: Uint8Array;
  readonly lineNumbers?: readonly number[];
  /** Per line of a line source that knows where its records came from (lineage, prior findings). */
  readonly refs?: readonly (SourceRef | undefined)[];
}

/**
 * Default batch size of a byte source: big enough to amortise a thread hop, small enough that a
 * batch's parsed records (a worker holds them all while it steps through the batch) die in its
 * young generation instead of being promoted.
 */
export const DEFAULT_BATCH_BYTES = 128 * 1024;

function checkText(bytes: Uint8Array): Uint8Array {
  // Buffer#indexOf is a native memchr; a Uint8Array's own includes() loops in JavaScript, 7x slower.
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(0) !== -1) throw binaryError();
  if (!isUtf8(bytes)) throw utf8Error();
  return bytes;
}

function concat(pieces: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let pos = 0;
  for (const p of pieces) {
    out.set(p.subarray(0, Math.min(p.length, size - pos)), pos);
    pos += p.length;
    if (pos >= size) break;
  }
  return out;
}

/**
 * Cuts a byte stream into batches of about `targetBytes` that end on a line break, without
 * decoding it: each batch ends at the first line break at or past `targetBytes`, whatever the
 * size of the stream's chunks (a 1 MB read gives several batches). NUL bytes or invalid UTF-8 are
 * a ValidationError (checked natively per batch, which always starts and ends on a character
 * boundary), as is a line over MAX_LINE_BYTES. A leading UTF-8 byte order mark is dropped, as a
 * text decoder would.
 */
export async function* byteBatches(body: AsyncIterable<Uint8Array | string>, targetBytes = DEFAULT_BATCH_BYTES): AsyncGenerator<SourceBatch> {
  let pieces: Uint8Array[] = [];
  let size = 0;
  let sinceNewline = 0;
  let first = true;
  for await (const raw of body) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    if (first && chunk.length > 0) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let from = 0;
    while (from < chunk.length) {
      // The batch's first line break at or past targetBytes, if this chunk holds it.
      const searchFrom = from + Math.max(0, targetBytes - size - 1);
      const cut = searchFrom < chunk.length ? chunk.indexOf(0x0a, searchFrom) : -1;
      if (cut === -1) {
        const last = chunk.lastIndexOf(0x0a);
        sinceNewline = last >= from ? chunk.length - last - 1 : sinceNewline + chunk.length - from;
        if (sinceNewline > MAX_LINE_BYTES) throw new ValidationError(`a line is longer than ${MAX_LINE_BYTES} bytes`, [{ path: 'body', message: 'line too long' }]);
        pieces.push(chunk.subarray(from));
        size += chunk.length - from;
        break;
      }
      pieces.push(chunk.subarray(from, cut + 1));
      size += cut + 1 - from;
      yield { input: checkText(concat(pieces, size)) };
      pieces = [];
      size = 0;
      sinceNewline = 0;
      from = cut + 1;
    }
  }
  if (size > 0) yield { input: checkText(concat(pieces, size)) };
}

/** Packs source lines (traces, already-decoded text) into batches of at most `maxRecords` lines or `maxBytes`. */
export async function* lineBatches(lines: AsyncIterable<SourceLine>, maxRecords: number, maxBytes = DEFAULT_BATCH_BYTES): AsyncGenerator<SourceBatch & { readonly texts: readonly string[] }> {
  let texts: string[] = [];
  let numbers: number[] = [];
  let refs: (SourceRef | undefined)[] = [];
  let anyRef = false;
  let chars = 0;
  const flush = (): SourceBatch & { texts: string[] } => {
    const batch = { input: new Uint8Array(Buffer.from(texts.join('\n') + '\n', 'utf8')), lineNumbers: numbers, texts, ...(anyRef ? { refs } : {}) };
    texts = [];
    numbers = [];
    refs = [];
    anyRef = false;
    chars = 0;
    return batch;
  };
  for await (const line of lines) {
    texts.push(line.text);
    numbers.push(line.line);
    refs.push(line.ref);
    if (line.ref) anyRef = true;
    chars += line.text.length;
    if (texts.length >= maxRecords || chars >= maxBytes) yield flush();
  }
  if (texts.length > 0) yield flush();
}

/** The non-blank lines of a byte batch as text, with their 0-based line index in the batch. */
export function batchLines(input: Uint8Array): { texts: string[]; index: number[]; lineCount: number } {
  const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  const texts: string[] = [];
  const index: number[] = [];
  all.forEach((line, i) => {
    if (line.trim().length > 0) {
      texts.push(line.trim());
      index.push(i);
    }
  });
  return { texts, index, lineCount: all.length };
}
