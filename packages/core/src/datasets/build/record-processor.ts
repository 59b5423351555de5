import { exceedsJsonDepth } from '../../shared/json-limits.js';
import { isAscii } from 'node:buffer';
import { hash } from 'node:crypto';
import { redactText, type FindingCounts } from '../../sanitization/pii-detector.js';
import { FINDING_TYPES } from '../../sanitization/sanitizer.js';
import type { TokenEncoding } from '../base-models.js';
import { dedupForms } from './dedup-forms.js';
import type { DatasetFormat } from '../dataset-config.js';
import { validateExample, type InvalidReason } from './example-validator.js';
import { bandKeys, compactSignature, LSH_BANDS, minhashSignature, NUM_PERM, SIGNATURE_BYTES } from './minhash.js';
import { rewriteTextFields } from './text-fields.js';
import { countExampleTokens, loadTextCounter, type CountText } from './token-counter.js';

/** Reasons in a fixed order, so a batch can carry them as small integers. */
export const REASON_CODES: readonly InvalidReason[] = [
  'invalid_json',
  'data_type',
  'unrecognized_key',
  'missing_messages_list',
  'message_data_type',
  'message_missing_key',
  'message_unrecognized_key',
  'unrecognized_role',
  'missing_content',
  'invalid_tool_call',
  'example_missing_assistant_message',
  'missing_prompt',
  'missing_completion',
  'missing_input',
  'invalid_preferred_output',
  'invalid_non_preferred_output',
  'too_many_tokens',
];
const REASON_INDEX = new Map(REASON_CODES.map((r, i) => [r, i + 1]));
const encoder = new TextEncoder();

/** How a batch is processed; plain data, so it crosses into worker threads. */
export interface ProcessOptions {
  readonly format: DatasetFormat;
  readonly encoding: TokenEncoding;
  readonly maxTokensPerExample: number;
  /** Run the built-in detector here (redacting and counting); false when TRiSM already did. */
  readonly builtinSanitize: boolean;
  /** Compute MinHash band keys and signatures (near-duplicate dedup). */
  readonly nearDedup: boolean;
}

/**
 * A processed batch, column-wise in typed arrays so it crosses threads by transfer, not by
 * structured clone of many small objects. Record i is the i-th non-blank line of the batch;
 * `status[i]` is 0 for a valid example, else 1 + its index in REASON_CODES.
 */
export interface ProcessedBatch {
  /** Records (non-blank lines). */
  readonly count: number;
  /** Lines in the batch, blank ones included (line numbering continues after them). */
  readonly lineCount: number;
  /** Per record, its 0-based line in the batch. */
  readonly lineIndex: Int32Array;
  readonly status: Uint8Array;
  /**
   * Every valid record's output line (sanitized, newline-terminated), back to back; record i is
   * `output[outOffsets[i] .. outOffsets[i + 1])`, empty when invalid. Untouched records keep their
   * own bytes, so consecutive kept records stay one contiguous range for the writer.
   */
  readonly output: Uint8Array;
  readonly outOffsets: Int32Array;
  readonly tokens: Int32Array;
  /** 32 bytes per record: SHA-256 of the canonical normalised example. */
  readonly digests: Uint8Array;
  /** LSH_BANDS keys per record (zeros when near dedup is off). */
  readonly bandKeys: Uint32Array;
  /** SIGNATURE_BYTES per record: the compact MinHash signature. */
  readonly signatures: Uint8Array;
  /** FINDING_TYPES.length counts per record. */
  readonly findings: Uint32Array;
}

/** The ArrayBuffers of a batch, for postMessage's transfer list. */
export function batchTransferList(batch: ProcessedBatch): ArrayBuffer[] {
  return [batch.lineIndex, batch.status, batch.output, batch.outOffsets, batch.tokens, batch.digests, batch.bandKeys, batch.signatures, batch.findings].map((a) => a.buffer as ArrayBuffer);
}

/** Parses and validates one line; the example object, or why it is invalid. */
export function parseRecord(line: string, format: DatasetFormat): { example: Record<string, unknown> } | { reason: InvalidReason } {
  let value: unknown;
  // A record nested deeper than any example format would overflow the recursive checks below.
  if (exceedsJsonDepth(line)) return { reason: 'invalid_json' };
  try {
    value = JSON.parse(line);
  } catch {
    return { reason: 'invalid_json' };
  }
  const reason = validateExample(value, format);
  return reason ? { reason } : { example: value as Record<string, unknown> };
}

// The record being redacted (processBatch is synchronous): one rewriter for every record instead
// of a closure per record.
const redaction = { counts: {} as FindingCounts, changed: false };
const redactField = (text: string): string => {
  const redacted = redactText(text, redaction.counts).text;
  if (redacted !== text) redaction.changed = true;
  return redacted;
};

/** Redacts an example's free-text fields in place (built-in detector); its finding counts. */
function redactExample(example: Record<string, unknown>, format: DatasetFormat): FindingCounts {
  redaction.counts = {};
  redaction.changed = false;
  rewriteTextFields(example, format, redactField);
  return redaction.counts;
}

const HEX_VALUES = new Uint8Array(128);
for (let d = 0; d < 16; d++) HEX_VALUES['0123456789abcdef'.charCodeAt(d)] = d;

/** Writes a lower-case hex digest's bytes into `out` at `offset`. */
function writeHexDigest(hex: string, out: Uint8Array, offset: number): void {
  const values = HEX_VALUES; // a local, as in every hot loop (see minhash.ts)
  for (let k = 0; k < hex.length >> 1; k++) out[offset + k] = (values[hex.charCodeAt(2 * k)]! << 4) | values[hex.charCodeAt(2 * k + 1)]!;
}

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;

/** Byte ranges of the non-blank lines of a batch (JSON whitespace trimmed), and the line count. */
function splitLines(input: Uint8Array): { starts: Int32Array; ends: Int32Array; lineIndex: Int32Array; count: number; lineCount: number } {
  let capacity = 1024;
  let starts = new Int32Array(capacity);
  let ends = new Int32Array(capacity);
  let lineIndex = new Int32Array(capacity);
  let count = 0;
  let line = 0;
  let pos = 0;
  while (pos < input.length) {
    let end = input.indexOf(0x0a, pos);
    if (end === -1) end = input.length;
    let s = pos;
    let e = end;
    while (s < e && isSpace(input[s]!)) s++;
    while (e > s && isSpace(input[e - 1]!)) e--;
    if (s < e) {
      if (count === capacity) {
        capacity *= 2;
        starts = grow(starts, capacity);
        ends = grow(ends, capacity);
        lineIndex = grow(lineIndex, capacity);
      }
      starts[count] = s;
      ends[count] = e;
      lineIndex[count] = line;
      count++;
    }
    line++;
    pos = end + 1;
  }
  return { starts, ends, lineIndex: lineIndex.slice(0, count), count, lineCount: line };
}

function grow(a: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(length);
  next.set(a);
  return next;
}

/**
 * Everything per record that costs CPU, for one batch of JSONL bytes (whole lines, valid UTF-8):
 * split, parse, validate, sanitize (built-in), count tokens, enforce the token limit, digest and
 * MinHash. Pure; the same code runs inline and in the worker pool.
 */
export async function processBatch(input: Uint8Array, options: ProcessOptions): Promise<ProcessedBatch> {
  return processBatchWith(input, options, await loadTextCounter(options.encoding));
}

type Lines = ReturnType<typeof splitLines>;
/** Record i's example, or undefined once it is invalid. */
type Examples = (Record<string, unknown> | undefined)[];

/**
 * processBatch with the token counter already loaded (synchronous). It runs each step over the
 * whole batch in turn rather than every step on one record at a time: each step's code and tables
 * (the tokenizer's rank map above all) stay in the CPU caches for a few hundred records in a row,
 * which made a batch 10-15% cheaper. Each step is a function of its own: V8 optimises (and
 * re-optimises) a small function at a fraction of the cost of one holding every step inlined.
 */
export function processBatchWith(input: Uint8Array, options: ProcessOptions, count: CountText): ProcessedBatch {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const lines = splitLines(bytes);
  const n = lines.count;
  const status = new Uint8Array(n);
  const findings = new Uint32Array(n * FINDING_TYPES.length);
  const tokens = new Int32Array(n);
  const digests = new Uint8Array(n * 32);
  const keys = new Uint32Array(n * LSH_BANDS);
  const signatures = new Uint8Array(n * SIGNATURE_BYTES);
  const examples = parseStep(bytes, lines, options.format, status);
  const redacted = options.builtinSanitize ? redactStep(examples, options.format, findings) : new Uint8Array(n);
  tokenStep(examples, options, count, tokens, status);
  const written = outputStep(examples, redacted, bytes, lines, digests, options.nearDedup);
  if (options.nearDedup) minhashStep(written.nearTexts, keys, signatures);
  return {
    count: n,
    lineCount: lines.lineCount,
    lineIndex: lines.lineIndex,
    status,
    output: written.output,
    outOffsets: written.outOffsets,
    tokens,
    digests,
    bandKeys: keys,
    signatures,
    findings,
  };
}

function parseStep(bytes: Buffer, lines: Lines, format: DatasetFormat, status: Uint8Array): Examples {
  const encoding = isAscii(bytes) ? 'latin1' : 'utf8';
  const examples: Examples = new Array(lines.count);
  for (let i = 0; i < lines.count; i++) {
    const parsed = parseRecord(bytes.toString(encoding, lines.starts[i]!, lines.ends[i]!), format);
    if ('reason' in parsed) status[i] = REASON_INDEX.get(parsed.reason)!;
    else examples[i] = parsed.example;
  }
  return examples;
}

/** Built-in detection and redaction, in place; 1 per record that redaction changed (its line is re-serialised). */
function redactStep(examples: Examples, format: DatasetFormat, findings: Uint32Array): Uint8Array {
  const types = FINDING_TYPES;
  const redacted = new Uint8Array(examples.length);
  for (let i = 0; i < examples.length; i++) {
    const example = examples[i];
    if (example === undefined) continue;
    const counts = redactExample(example, format);
    redacted[i] = redaction.changed ? 1 : 0;
    for (let k = 0; k < types.length; k++) findings[i * types.length + k] = counts[types[k]!] ?? 0;
  }
  return redacted;
}

/** Token counts, and the token limit: a record over it becomes invalid. */
function tokenStep(examples: Examples, options: ProcessOptions, count: CountText, tokens: Int32Array, status: Uint8Array): void {
  const tooMany = REASON_INDEX.get('too_many_tokens')!;
  for (let i = 0; i < examples.length; i++) {
    const example = examples[i];
    if (example === undefined) continue;
    tokens[i] = countExampleTokens(example, options.format, count);
    if (tokens[i]! > options.maxTokensPerExample) {
      status[i] = tooMany;
      examples[i] = undefined;
    }
  }
}

/**
 * Each valid record's output line, back to back, and its exact-dedup digest; with near dedup, its
 * normalised content text for MinHash.
 */
function outputStep(
  examples: Examples,
  redacted: Uint8Array,
  bytes: Buffer,
  lines: Lines,
  digests: Uint8Array,
  nearDedup: boolean,
): { output: Uint8Array; outOffsets: Int32Array; nearTexts: (string | undefined)[] } {
  const n = examples.length;
  // Output bytes never exceed the input's, except where redaction grew a text: room to spare,
  // grown on demand.
  let output = new Uint8Array(bytes.length + 1024);
  let outPos = 0;
  const ensure = (extra: number): void => {
    if (outPos + extra <= output.length) return;
    const next = new Uint8Array(Math.max(output.length * 2, outPos + extra));
    next.set(output.subarray(0, outPos));
    output = next;
  };
  const outOffsets = new Int32Array(n + 1);
  const nearTexts: (string | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    outOffsets[i] = outPos;
    const example = examples[i];
    if (example === undefined) continue;
    // An untouched record keeps its own bytes (one JSON value per line already); re-serialise
    // only what redaction changed.
    if (redacted[i] === 1) {
      const json = JSON.stringify(example);
      ensure(json.length * 3 + 1);
      outPos += encoder.encodeInto(json, output.subarray(outPos)).written;
    } else {
      const start = lines.starts[i]!;
      const end = lines.ends[i]!;
      ensure(end - start + 1);
      bytes.copy(output, outPos, start, end); // native copy, no view allocated per record
      outPos += end - start;
    }
    output[outPos++] = 0x0a;
    const forms = dedupForms(example);
    // Hex, then decoded here: a 'buffer' digest allocates a Buffer per record, which costs more
    // than the hashing itself.
    writeHexDigest(hash('sha256', forms.canonical, 'hex'), digests, i * 32);
    if (nearDedup) nearTexts[i] = forms.text;
  }
  outOffsets[n] = outPos;
  // A copy of exactly the used bytes: what crosses back to the main thread is no bigger than needed.
  return { output: output.slice(0, outPos), outOffsets, nearTexts };
}

function minhashStep(nearTexts: readonly (string | undefined)[], keys: Uint32Array, signatures: Uint8Array): void {
  const sig = new Int32Array(NUM_PERM);
  for (let i = 0; i < nearTexts.length; i++) {
    const text = nearTexts[i];
    if (text === undefined) continue;
    minhashSignature(text, sig);
    bandKeys(sig, keys, i * LSH_BANDS);
    compactSignature(sig, signatures, i * SIGNATURE_BYTES);
  }
}
