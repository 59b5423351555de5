import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../../shared/errors.js';

/** Where a source record came from, for sources that know (spans, generations). */
export interface SourceRef {
  /** Ids written to the version's lineage file beside the record's split and line (trace and span ids…). */
  readonly lineage: Readonly<Record<string, string>>;
  /** What the sanitizer found (and redacted) before the record reached the build, per type. */
  readonly findings?: Readonly<Record<string, number>>;
}

/** One source record: its 1-based line (or record) number, its JSON text, and where it came from. */
export interface SourceLine {
  readonly line: number;
  readonly text: string;
  readonly ref?: SourceRef;
}

/** Longest line a build accepts; a longer one cannot be a sane training example. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Guards a byte stream as JSONL text: throws ValidationError on NUL bytes or invalid UTF-8. */
export class TextGuard {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });

  /** Decodes a chunk (partial characters are carried over); throws on binary input. */
  decode(chunk: Uint8Array, final = false): string {
    if (chunk.includes(0)) throw binaryError();
    try {
      return this.#decoder.decode(chunk, { stream: !final });
    } catch {
      throw utf8Error();
    }
  }
}

/** The ValidationError for a body with NUL bytes. */
export const binaryError = (): ValidationError => new ValidationError('the body is binary (it contains NUL bytes); upload JSONL text', [{ path: 'body', message: 'NUL byte found' }]);
/** The ValidationError for a body that is not UTF-8. */
export const utf8Error = (): ValidationError => new ValidationError('the body is not valid UTF-8 text; upload JSONL text', [{ path: 'body', message: 'invalid UTF-8' }]);

/**
 * Checks a byte stream is UTF-8 text without NUL bytes, without decoding it to strings (native
 * checks; a character split across chunks is carried to the next one).
 */
export class Utf8Guard {
  #carry: Uint8Array = new Uint8Array(0);

  check(chunk: Uint8Array): void {
    if (chunk.includes(0)) throw binaryError();
    const bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    // Back up over a trailing incomplete sequence (at most 3 bytes of a 4-byte character).
    let end = bytes.length;
    for (let back = 1; back <= Math.min(3, bytes.length); back++) {
      const b = bytes[bytes.length - back]!;
      if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (need > back) end = bytes.length - back;
      break;
    }
    if (!isUtf8(bytes.subarray(0, end))) throw utf8Error();
    this.#carry = Uint8Array.prototype.slice.call(bytes, end);
  }

  /** The stream ended: an unfinished character left over is invalid. */
  end(): void {
    if (this.#carry.length > 0) throw utf8Error();
  }
}

/**
 * Splits a byte stream into JSONL lines without holding more than one line in memory. Blank
 * lines are skipped but still counted, so line numbers match the file.
 */
export async function* readJsonLines(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SourceLine> {
  const guard = new TextGuard();
  // The unfinished line, as pieces: joining once per line keeps long lines linear in cost.
  let pieces: string[] = [];
  let pieceChars = 0;
  let line = 0;
  const finish = (tail: string): SourceLine | null => {
    line += 1;
    const text = (pieces.length > 0 ? pieces.join('') + tail : tail).replace(/\r$/, '');
    pieces = [];
    pieceChars = 0;
    return text.trim().length > 0 ? { line, text } : null;
  };
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : guard.decode(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const out = finish(text.slice(start, nl));
      start = nl + 1;
      if (out) yield out;
    }
    if (start < text.length) {
      pieces.push(text.slice(start));
      pieceChars += text.length - start;
      if (pieceChars > MAX_LINE_BYTES) throw new ValidationError(`line ${line + 1} is longer than ${MAX_LINE_BYTES} bytes`);
    }
  }
  const out = finish(guard.decode(new Uint8Array(0), true));
  if (out) yield out;
}
