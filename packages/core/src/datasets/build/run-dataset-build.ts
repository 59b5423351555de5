import type { BlobStore } from '../../ports/blob-store.js';
import { ValidationError } from '../../shared/errors.js';
import { BuiltinSanitizer } from '../../sanitization/builtin-sanitizer.js';
import { FINDING_TYPES, type Sanitizer } from '../../sanitization/sanitizer.js';
import { resolveBaseModel } from '../base-models.js';
import { BlobLineWriter } from './blob-line-writer.js';
import type { BuildProgress, BuildReason, BuiltFile, DatasetBuildResult } from './build-report.js';
import { BuildTally } from './build-tally.js';
import type { DatasetBuildConfig } from '../dataset-config.js';
import { ExactDuplicateIndex } from './exact-duplicate-index.js';
import type { SourceLine, SourceRef } from './line-reader.js';
import { batchLines, byteBatches, lineBatches, type SourceBatch } from './line-batches.js';
import { LSH_BANDS, SIGNATURE_BYTES } from './minhash.js';
import { NearDuplicateIndex } from './near-duplicate-index.js';
import type { RecordProcessor } from './record-processor-pool.js';
import { REASON_CODES, type ProcessedBatch, type ProcessOptions } from './record-processor.js';
import { sanitizeRemotely } from './remote-sanitize-batch.js';
import { isValidationExample } from './split.js';

/** A build's input: JSONL bytes (uploads, inline records), or lines already decoded (traces). */
export type DatasetBuildSource = AsyncIterable<SourceLine> | { readonly bytes: AsyncIterable<Uint8Array | string> };

export interface RunDatasetBuildInput {
  readonly source: DatasetBuildSource;
  readonly config: DatasetBuildConfig;
  readonly blobs: BlobStore;
  /** `datasets/{tenant}/{project}/{dataset_id}/v{n}`: train.jsonl and validation.jsonl go under it. */
  readonly keyPrefix: string;
  /** A BuiltinSanitizer runs inside the record processor; any other is called per batch. */
  readonly sanitizer: Sanitizer;
  readonly processor: RecordProcessor;
  /** Records per batch of a line source (default 256). */
  readonly batchSize?: number;
  /** Bytes per batch of a byte source (default 128 KB). */
  readonly batchBytes?: number;
  /** Called every `progressEvery` records read or `progressIntervalMs` (and once at the end); awaited. */
  readonly onProgress?: (progress: BuildProgress) => Promise<void>;
  readonly progressEvery?: number;
  readonly progressIntervalMs?: number;
  /**
   * Most bytes the exact and near-duplicate indexes may hold together (default
   * DEFAULT_DEDUP_MEMORY_BYTES). They are the part of a build that grows with its records; past
   * the limit the build ends `failed` with `dedup_memory_exceeded` instead of running the process
   * out of memory (which would kill every job in it, on every retry).
   */
  readonly dedupMemoryBytes?: number;
  readonly signal?: AbortSignal;
}

/** The default limit of a build's dedup indexes; what it holds, measured: docs/datasets.md, "Memory for builds with many records". */
export const DEFAULT_DEDUP_MEMORY_BYTES = 512 * 1024 * 1024;

const MB = 1024 * 1024;

/** How a processed batch's records map back to source line numbers. */
type LineMap =
  /** Consecutive from where the previous batch ended; `relative` maps record lines when TRiSM repacked them. */
  { readonly kind: 'relative'; readonly lineCount: number | null; readonly relative: readonly number[] | null } | { readonly kind: 'absolute'; readonly lines: readonly number[] };

interface PendingBatch {
  readonly lines: LineMap;
  /** Per line of the batch, where its record came from (line sources that know). */
  readonly refs: readonly (SourceRef | undefined)[] | null;
  readonly result: Promise<{ batch: ProcessedBatch; remoteFindings: readonly ReadonlyMap<string, number>[] | null }>;
}

const isByteSource = (source: DatasetBuildSource): source is { readonly bytes: AsyncIterable<Uint8Array | string> } => 'bytes' in source;

/**
 * The dataset build: streams source bytes through parse → validate → sanitize → exact and near
 * dedup → tokens/stats → deterministic split → JSONL in the BlobStore. Memory stays flat in the
 * records (only digests, LSH buckets and a token histogram grow). The CPU-heavy work runs in the
 * processor (worker threads) on batches of raw bytes, several batches ahead, consumed strictly in
 * order, so the same input always yields byte-identical files; this thread only routes records
 * (dedup, split) and hands contiguous byte ranges to the writers. Data problems end as
 * `failed`/`blocked` with reasons and no file; infrastructure errors (TRiSM, storage) are thrown
 * for the caller to retry.
 */
export async function runDatasetBuild(input: RunDatasetBuildInput): Promise<DatasetBuildResult> {
  const { config, blobs, processor } = input;
  const model = resolveBaseModel(config.base_model);
  const builtin = input.sanitizer instanceof BuiltinSanitizer;
  const policy = config.sanitization.policy;
  const options: ProcessOptions = {
    format: config.format,
    encoding: model.encoding,
    maxTokensPerExample: model.maxTokensPerExample,
    builtinSanitize: builtin,
    nearDedup: config.dedup.near,
  };
  const tally = new BuildTally(config, model, input.sanitizer.name);
  // Only the dedup a build uses allocates its index.
  const exact = config.dedup.exact ? new ExactDuplicateIndex() : undefined;
  const near = config.dedup.near ? new NearDuplicateIndex(config.dedup.near_threshold) : undefined;
  const progressEvery = input.progressEvery ?? 10_000;
  const progressIntervalMs = input.progressIntervalMs ?? 5_000;
  // Enough batches ahead to keep every thread busy while this one consumes (a pool's worker holds
  // two: see RecordProcessorPool), few enough to stay flat (measured: docs/datasets.md, "Tuning constants").
  const maxInFlight = Math.max(4, processor.capacity ?? 1);
  let train: BlobLineWriter | undefined;
  let validation: BlobLineWriter | undefined;
  // One line per written record whose source said where it came from: split, line, source ids.
  let lineage: BlobLineWriter | undefined;
  let blocked = false;
  // Set when a strict build meets an invalid record or the dedup indexes outgrow their limit: the
  // build stops reading and ends `failed` with this reason.
  let stopped: BuildReason | undefined;
  const dedupMemoryBytes = input.dedupMemoryBytes ?? DEFAULT_DEDUP_MEMORY_BYTES;
  let nextProgressAt = progressEvery;
  let lastProgressAt = Date.now();
  let lineBase = 0;

  const abortWriters = async (): Promise<void> => {
    await Promise.all([train?.abort(), validation?.abort(), lineage?.abort()]);
    train = validation = lineage = undefined;
  };
  const fail = async (status: 'failed' | 'blocked', reasons: BuildReason[]): Promise<DatasetBuildResult> => {
    await abortWriters();
    return { status, reasons, report: tally.report(), train: null, validation: null };
  };

  const consume = async (pending: PendingBatch): Promise<void> => {
    const { batch, remoteFindings } = await pending.result;
    const map = pending.lines;
    const base = lineBase;
    if (map.kind === 'relative') lineBase += map.lineCount ?? batch.lineCount;
    for (let i = 0; i < batch.count; i++) {
      const index = batch.lineIndex[i]!;
      const line = map.kind === 'absolute' ? map.lines[index]! : base + (map.relative ? map.relative[index]! : index) + 1;
      tally.read += 1;
      const status = batch.status[i]!;
      if (status !== 0) {
        const reason = REASON_CODES[status - 1]!;
        tally.invalidRecord(reason, line);
        if (config.strict && !stopped) {
          stopped = { code: 'invalid_record', message: `line ${line} is invalid (${reason}) and the build is strict`, details: { line, reason } };
        }
        continue;
      }
      const ref = pending.refs?.[index];
      let hasFindings = remoteFindings ? tally.addFindings(remoteFindings[i]!) : tally.addFindings(batch.findings, i * FINDING_TYPES.length);
      // What was redacted before the record reached the build (spans are sanitized when received) counts too.
      if (ref?.findings && tally.addPriorFindings(ref.findings, hasFindings)) hasFindings = true;
      if (hasFindings && policy === 'drop_record') {
        tally.piiDropped += 1;
        continue;
      }
      if (hasFindings && policy === 'block') blocked = true;
      if (exact?.checkAndAdd(batch.digests, i * 32)) {
        tally.exactRemoved += 1;
        continue;
      }
      if (near?.checkAndAdd(batch.bandKeys, i * LSH_BANDS, batch.signatures, i * SIGNATURE_BYTES)) {
        tally.nearRemoved += 1;
        continue;
      }
      const tokens = batch.tokens[i]!;
      tally.tokens.add(tokens);
      tally.written += 1;
      if (blocked || stopped) continue; // keep counting for the report; write nothing
      const start = batch.outOffsets[i]!;
      const end = batch.outOffsets[i + 1]!;
      let wait: Promise<void> | undefined;
      const toValidation = isValidationExample(batch.digests, config.validation_split, i * 32);
      if (toValidation) {
        validation ??= new BlobLineWriter(blobs, `${input.keyPrefix}/validation.jsonl`);
        tally.validationRecords += 1;
        wait = validation.writeRecord(batch.output, start, end);
      } else {
        train ??= new BlobLineWriter(blobs, `${input.keyPrefix}/train.jsonl`);
        tally.trainRecords += 1;
        tally.trainTokens += tokens;
        wait = train.writeRecord(batch.output, start, end);
      }
      if (wait) await wait;
      if (ref) {
        lineage ??= new BlobLineWriter(blobs, `${input.keyPrefix}/lineage.jsonl`);
        const entry = Buffer.from(
          `${JSON.stringify({ split: toValidation ? 'validation' : 'train', line: toValidation ? tally.validationRecords : tally.trainRecords, source_line: line, ...ref.lineage })}\n`,
          'utf8',
        );
        const lineageWait = lineage.writeRecord(entry, 0, entry.length);
        if (lineageWait) await lineageWait;
      }
    }
    // Checked once a batch: the indexes can pass the limit by one batch's growth at most (a few tables doubling).
    tally.dedupIndexBytes = (exact?.bytes ?? 0) + (near?.bytes ?? 0);
    if (!stopped && tally.dedupIndexBytes > dedupMemoryBytes) {
      stopped = {
        code: 'dedup_memory_exceeded',
        message:
          `the dedup indexes outgrew their ${dedupMemoryBytes >= MB ? `${Math.round(dedupMemoryBytes / MB)} MB` : `${dedupMemoryBytes}-byte`} limit after ${tally.read} records (${tally.written} kept); ` +
          'build this dataset with "dedup": {"near": false}, which needs a fraction of the memory per record, or raise the limit (FTM_DATASET_DEDUP_MEMORY_MB)',
        details: { limit_bytes: dedupMemoryBytes, records_read: tally.read, records_kept: tally.written },
      };
    }
    if (input.onProgress && (tally.read >= nextProgressAt || Date.now() - lastProgressAt >= progressIntervalMs)) {
      nextProgressAt = tally.read + progressEvery;
      lastProgressAt = Date.now();
      await input.onProgress(tally.progress());
    }
  };

  const submit = (batch: SourceBatch & { readonly texts?: readonly string[] }): PendingBatch => {
    if (builtin) {
      const result = processor.process(batch.input, options).then((processed) => ({ batch: processed, remoteFindings: null }));
      result.catch(() => {}); // observed when consumed; avoids an unhandled rejection meanwhile
      return { lines: batch.lineNumbers ? { kind: 'absolute', lines: batch.lineNumbers } : { kind: 'relative', lineCount: null, relative: null }, refs: batch.refs ?? null, result };
    }
    // TRiSM sees decoded text; the sanitized lines are repacked for the processor, one per record.
    const decoded = batch.texts ? { texts: batch.texts, index: null, lineCount: 0 } : batchLines(batch.input);
    const result = sanitizeRemotely(decoded.texts, config.format, input.sanitizer, policy).then(async (remote) => ({
      batch: await processor.process(new Uint8Array(Buffer.from(remote.lines.join('\n') + '\n', 'utf8')), options),
      remoteFindings: remote.findings,
    }));
    result.catch(() => {});
    const lines: LineMap = batch.lineNumbers ? { kind: 'absolute', lines: batch.lineNumbers } : { kind: 'relative', lineCount: decoded.lineCount, relative: decoded.index };
    return { lines, refs: batch.refs ?? null, result };
  };

  const batches = isByteSource(input.source) ? byteBatches(input.source.bytes, input.batchBytes) : lineBatches(input.source, input.batchSize ?? 256);
  const inFlight: PendingBatch[] = [];
  try {
    for await (const batch of batches) {
      input.signal?.throwIfAborted();
      inFlight.push(submit(batch));
      if (inFlight.length >= maxInFlight) await consume(inFlight.shift()!);
      if (stopped) break;
    }
    while (inFlight.length > 0 && !stopped) await consume(inFlight.shift()!);
  } catch (error) {
    await abortWriters();
    if (error instanceof ValidationError) return fail('failed', [{ code: 'invalid_source', message: error.message }]);
    throw error;
  }
  await input.onProgress?.(tally.progress());

  if (stopped) return fail('failed', [stopped]);
  if (blocked) {
    const findings = Object.fromEntries(tally.findings);
    return fail('blocked', [{ code: 'sensitive_data_found', message: `${tally.recordsWithFindings} records contain sensitive data and the policy is block`, details: { findings } }]);
  }
  if (tally.written === 0) {
    const message = tally.read === 0 ? 'the source has no records' : `none of the ${tally.read} records is a valid, unique example`;
    return fail('failed', [{ code: 'no_valid_records', message }]);
  }
  if (tally.written < config.min_examples) {
    return fail('failed', [{ code: 'too_few_examples', message: `${tally.written} examples kept; at least ${config.min_examples} are required` }]);
  }
  if (tally.trainRecords === 0) {
    return fail('failed', [{ code: 'empty_training_file', message: 'every kept example fell into the validation split; lower validation_split' }]);
  }
  let trainFile: BuiltFile | null = null;
  let validationFile: BuiltFile | null = null;
  let lineageFile: BuiltFile | null = null;
  try {
    const t = train!;
    trainFile = { ...(await t.end()), records: t.records };
    if (validation) {
      const v = validation;
      validationFile = { ...(await v.end()), records: v.records };
    }
    if (lineage) {
      const l = lineage;
      lineageFile = { ...(await l.end()), records: l.records };
    }
  } catch (error) {
    await abortWriters();
    for (const file of [trainFile, validationFile]) if (file) await blobs.delete(file.key);
    throw error;
  }
  const report = tally.report();
  return {
    status: 'ready',
    reasons: [],
    report: lineageFile ? { ...report, lineage: { records: lineageFile.records, size_bytes: lineageFile.sizeBytes, sha256: lineageFile.sha256 } } : report,
    train: trainFile,
    validation: validationFile,
  };
}
