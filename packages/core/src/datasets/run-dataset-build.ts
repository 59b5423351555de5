import type { BlobStore } from '../ports/blob-store.js';
import { ValidationError } from '../shared/errors.js';
import { BuiltinSanitizer } from '../trism/builtin-sanitizer.js';
import { FINDING_TYPES, type Sanitizer } from '../trism/sanitizer.js';
import { resolveBaseModel } from './base-models.js';
import { BlobLineWriter } from './blob-line-writer.js';
import type { BuildProgress, BuildReason, BuiltFile, DatasetBuildResult } from './build-report.js';
import { BuildTally } from './build-tally.js';
import type { DatasetBuildConfig } from './dataset-config.js';
import { ExactDuplicateIndex } from './exact-duplicate-index.js';
import type { SourceLine } from './line-reader.js';
import { LSH_BANDS, NUM_PERM } from './minhash.js';
import { NearDuplicateIndex } from './near-duplicate-index.js';
import type { RecordProcessor } from './record-processor-pool.js';
import { REASON_CODES, type ProcessedBatch, type ProcessOptions } from './record-processor.js';
import { sanitizeRemotely } from './remote-sanitize-batch.js';
import { isValidationExample } from './split.js';

export interface RunDatasetBuildInput {
  readonly source: AsyncIterable<SourceLine>;
  readonly config: DatasetBuildConfig;
  readonly blobs: BlobStore;
  /** `datasets/{tenant}/{project}/{dataset_id}/v{n}`: train.jsonl and validation.jsonl go under it. */
  readonly keyPrefix: string;
  /** A BuiltinSanitizer runs inside the record processor; any other is called per batch. */
  readonly sanitizer: Sanitizer;
  readonly processor: RecordProcessor;
  readonly batchSize?: number;
  /** Called every `progressEvery` records read (and once at the end); awaited. */
  readonly onProgress?: (progress: BuildProgress) => Promise<void>;
  readonly progressEvery?: number;
  readonly signal?: AbortSignal;
}

interface PendingBatch {
  readonly lines: readonly number[];
  readonly result: Promise<{ batch: ProcessedBatch; remoteFindings: readonly ReadonlyMap<string, number>[] | null }>;
}

/**
 * The dataset build: streams source lines through parse → validate → sanitize → exact and near
 * dedup → tokens/stats → deterministic split → JSONL in the BlobStore. Memory stays flat in the
 * records (only digests, LSH buckets and a token histogram grow). CPU-heavy work runs in the
 * processor (worker threads) several batches ahead, consumed strictly in order, so the same
 * input always yields byte-identical files. Data problems end as `failed`/`blocked` with reasons
 * and no file; infrastructure errors (TRiSM, storage) are thrown for the caller to retry.
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
  const exact = new ExactDuplicateIndex();
  const near = new NearDuplicateIndex(config.dedup.near_threshold);
  const batchSize = input.batchSize ?? 256;
  const progressEvery = input.progressEvery ?? 10_000;
  const maxInFlight = 4;
  let train: BlobLineWriter | undefined;
  let validation: BlobLineWriter | undefined;
  let blocked = false;
  let strictFailure: BuildReason | undefined;
  let nextProgressAt = progressEvery;

  const abortWriters = async (): Promise<void> => {
    await Promise.all([train?.abort(), validation?.abort()]);
    train = validation = undefined;
  };
  const fail = async (status: 'failed' | 'blocked', reasons: BuildReason[]): Promise<DatasetBuildResult> => {
    await abortWriters();
    return { status, reasons, report: tally.report(), train: null, validation: null };
  };

  const consume = async (pending: PendingBatch): Promise<void> => {
    const { batch, remoteFindings } = await pending.result;
    for (let i = 0; i < batch.count; i++) {
      const line = pending.lines[i]!;
      tally.read += 1;
      if (batch.status[i] !== 0) {
        const reason = REASON_CODES[batch.status[i]! - 1]!;
        tally.invalidRecord(reason, line);
        if (config.strict && !strictFailure) {
          strictFailure = { code: 'invalid_record', message: `line ${line} is invalid (${reason}) and the build is strict`, details: { line, reason } };
        }
        continue;
      }
      const hasFindings = remoteFindings ? tally.addFindings(remoteFindings[i]!) : tally.addFindings(batch.findings, i * FINDING_TYPES.length);
      if (hasFindings && policy === 'drop_record') {
        tally.piiDropped += 1;
        continue;
      }
      if (hasFindings && policy === 'block') blocked = true;
      const digest = batch.digests.subarray(i * 32, i * 32 + 32);
      if (config.dedup.exact && exact.checkAndAdd(digest)) {
        tally.exactRemoved += 1;
        continue;
      }
      if (config.dedup.near && near.checkAndAdd(batch.bandKeys, i * LSH_BANDS, batch.signatures, i * NUM_PERM)) {
        tally.nearRemoved += 1;
        continue;
      }
      const tokens = batch.tokens[i]!;
      tally.tokens.add(tokens);
      tally.written += 1;
      if (blocked || strictFailure) continue; // keep counting for the report; write nothing
      if (isValidationExample(digest, config.validation_split)) {
        validation ??= new BlobLineWriter(blobs, `${input.keyPrefix}/validation.jsonl`);
        tally.validationRecords += 1;
        await validation.writeLine(batch.outputs[i]!);
      } else {
        train ??= new BlobLineWriter(blobs, `${input.keyPrefix}/train.jsonl`);
        tally.trainRecords += 1;
        tally.trainTokens += tokens;
        await train.writeLine(batch.outputs[i]!);
      }
    }
    if (input.onProgress && tally.read >= nextProgressAt) {
      nextProgressAt = tally.read + progressEvery;
      await input.onProgress(tally.progress());
    }
  };

  const submit = (lines: SourceLine[]): PendingBatch => {
    const texts = lines.map((l) => l.text);
    const result = builtin
      ? processor.process(texts, options).then((batch) => ({ batch, remoteFindings: null }))
      : sanitizeRemotely(texts, config.format, input.sanitizer, policy).then(async (remote) => ({
          batch: await processor.process(remote.lines, options),
          remoteFindings: remote.findings,
        }));
    result.catch(() => {}); // observed when consumed; avoids an unhandled rejection meanwhile
    return { lines: lines.map((l) => l.line), result };
  };

  const inFlight: PendingBatch[] = [];
  try {
    let batch: SourceLine[] = [];
    let batchChars = 0;
    for await (const line of input.source) {
      input.signal?.throwIfAborted();
      batch.push(line);
      batchChars += line.text.length;
      if (batch.length >= batchSize || batchChars >= 1_000_000) {
        inFlight.push(submit(batch));
        batch = [];
        batchChars = 0;
        if (inFlight.length >= maxInFlight) await consume(inFlight.shift()!);
        if (strictFailure) break;
      }
    }
    if (batch.length > 0 && !strictFailure) inFlight.push(submit(batch));
    while (inFlight.length > 0 && !strictFailure) await consume(inFlight.shift()!);
  } catch (error) {
    await abortWriters();
    if (error instanceof ValidationError) return fail('failed', [{ code: 'invalid_source', message: error.message }]);
    throw error;
  }
  await input.onProgress?.(tally.progress());

  if (strictFailure) return fail('failed', [strictFailure]);
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
  try {
    const t = train!;
    trainFile = { ...(await t.end()), records: t.records };
    if (validation) {
      const v = validation;
      validationFile = { ...(await v.end()), records: v.records };
    }
  } catch (error) {
    await abortWriters();
    if (trainFile) await blobs.delete(trainFile.key);
    throw error;
  }
  return { status: 'ready', reasons: [], report: tally.report(), train: trainFile, validation: validationFile };
}
