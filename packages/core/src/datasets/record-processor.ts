import { createHash } from 'node:crypto';
import { redactText, type FindingCounts } from '../trism/pii-detector.js';
import { FINDING_TYPES, type FindingType } from '../trism/sanitizer.js';
import type { TokenEncoding } from './base-models.js';
import { dedupForms } from './canonical-json.js';
import type { DatasetFormat } from './dataset-config.js';
import { validateExample, type InvalidReason } from './example-validator.js';
import { bandKeys, compactSignature, LSH_BANDS, minhashSignature, NUM_PERM } from './minhash.js';
import { rewriteTextFields } from './text-fields.js';
import { countExampleTokens, loadTextCounter, type CountText } from './token-counter.js';

/** Reasons in a fixed order, so a batch can carry them as small integers. */
export const REASON_CODES: readonly InvalidReason[] = [
  'invalid_json', 'data_type', 'unrecognized_key', 'missing_messages_list', 'message_data_type', 'message_missing_key',
  'message_unrecognized_key', 'unrecognized_role', 'missing_content', 'invalid_tool_call', 'example_missing_assistant_message',
  'missing_prompt', 'missing_completion', 'missing_input', 'invalid_preferred_output', 'invalid_non_preferred_output', 'too_many_tokens',
];
const REASON_INDEX = new Map(REASON_CODES.map((r, i) => [r, i + 1]));

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
 * A processed batch, column-wise in typed arrays so it moves between threads cheaply.
 * `status[i]` is 0 for a valid example, else 1 + its index in REASON_CODES.
 */
export interface ProcessedBatch {
  readonly count: number;
  readonly status: Uint8Array;
  /** The example as it goes into the file (sanitized), one JSON line; '' when invalid. */
  readonly outputs: string[];
  readonly tokens: Int32Array;
  /** 32 bytes per record: SHA-256 of the canonical normalised example. */
  readonly digests: Uint8Array;
  /** LSH_BANDS keys per record (zeros when near dedup is off). */
  readonly bandKeys: Uint32Array;
  /** NUM_PERM bytes per record. */
  readonly signatures: Uint8Array;
  /** FINDING_TYPES.length counts per record. */
  readonly findings: Uint32Array;
}


/** Parses and validates one line; the example object, or why it is invalid. */
export function parseRecord(line: string, format: DatasetFormat): { example: Record<string, unknown> } | { reason: InvalidReason } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { reason: 'invalid_json' };
  }
  const reason = validateExample(value, format);
  return reason ? { reason } : { example: value as Record<string, unknown> };
}

/**
 * Everything per record that costs CPU, for one batch of JSONL lines: parse, validate,
 * sanitize (built-in), count tokens, enforce the token limit, digest and MinHash. Pure; the
 * same code runs inline and in the worker pool.
 */
export async function processBatch(lines: readonly string[], options: ProcessOptions): Promise<ProcessedBatch> {
  return processBatchWith(lines, options, await loadTextCounter(options.encoding));
}

/** processBatch with the token counter already loaded (synchronous). */
export function processBatchWith(lines: readonly string[], options: ProcessOptions, count: CountText): ProcessedBatch {
  const n = lines.length;
  const batch: ProcessedBatch = {
    count: n,
    status: new Uint8Array(n),
    outputs: new Array<string>(n).fill(''),
    tokens: new Int32Array(n),
    digests: new Uint8Array(n * 32),
    bandKeys: new Uint32Array(n * LSH_BANDS),
    signatures: new Uint8Array(n * NUM_PERM),
    findings: new Uint32Array(n * FINDING_TYPES.length),
  };
  const sig = new Int32Array(NUM_PERM);
  for (let i = 0; i < n; i++) {
    const parsed = parseRecord(lines[i]!, options.format);
    if ('reason' in parsed) {
      batch.status[i] = REASON_INDEX.get(parsed.reason)!;
      continue;
    }
    const example = parsed.example;
    let changed = false;
    if (options.builtinSanitize) {
      const counts: FindingCounts = {};
      rewriteTextFields(example, options.format, (t) => {
        const redacted = redactText(t, counts).text;
        if (redacted !== t) changed = true;
        return redacted;
      });
      FINDING_TYPES.forEach((type: FindingType, k) => {
        batch.findings[i * FINDING_TYPES.length + k] = counts[type] ?? 0;
      });
    }
    const tokens = countExampleTokens(example, options.format, count);
    batch.tokens[i] = tokens;
    if (tokens > options.maxTokensPerExample) {
      batch.status[i] = REASON_INDEX.get('too_many_tokens')!;
      continue;
    }
    // An untouched record keeps its own bytes (one JSON value per line already); re-serialise
    // only what redaction changed.
    batch.outputs[i] = changed ? JSON.stringify(example) : lines[i]!.trim();
    const forms = dedupForms(example);
    batch.digests.set(createHash('sha256').update(forms.canonical).digest(), i * 32);
    if (options.nearDedup) {
      minhashSignature(forms.text, sig);
      bandKeys(sig, batch.bandKeys.subarray(i * LSH_BANDS, (i + 1) * LSH_BANDS));
      compactSignature(sig, batch.signatures.subarray(i * NUM_PERM, (i + 1) * NUM_PERM));
    }
  }
  return batch;
}
