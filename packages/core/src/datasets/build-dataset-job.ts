import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, DependencyUnavailableError, FtmError, NotFoundError } from '../shared/errors.js';
import type { SourceLine } from './build/line-reader.js';
import { recordEvent } from '../outbox/record-event.js';
import type { BuildReason, DatasetBuildResult } from './build/build-report.js';
import { blobSourceBytes, traceSourceLines } from './build/build-sources.js';
import { otelSpanChatLines, otelSpanPreferenceLines } from './otel-span-source.js';
import { clearLangfuseRead, langfuseChatLines, type LangfuseRead } from './langfuse-source.js';
import { langfusePreferenceLines } from './langfuse-preference.js';
import { DatasetBuildConfig } from './dataset-config.js';
import { datasetKeyPrefix, toDataset, type DatasetRow, type StoredDatasetSource } from './dataset.js';
import type { DatasetDeps } from './dataset-deps.js';
import { isTerminalDatasetStatus, nextDatasetStatus, type DatasetEvent } from './dataset-state-machine.js';
import { inlineRecordProcessor } from './build/record-processor-pool.js';
import { runDatasetBuild, type DatasetBuildSource } from './build/run-dataset-build.js';
import type { DatasetBuildJobPayload } from './dataset-jobs.js';

export interface BuildJobAttempt {
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly signal?: AbortSignal;
}

/** The Langfuse read of a version, with the key pair stored for its project (or tenant) at build time. */
async function* langfuseLines(deps: DatasetDeps, row: DatasetRow, source: Extract<StoredDatasetSource, { type: 'langfuse' }>, signal?: AbortSignal): AsyncGenerator<SourceLine> {
  const reader = await deps.langfuse?.open({ tenantId: row.tenant_id, projectId: row.project_id });
  if (!reader) throw new ConflictError("the Langfuse key pair of this dataset's project or tenant was deleted", 'langfuse_not_configured');
  const read: LangfuseRead = {
    db: deps.db,
    sanitizer: deps.sanitizer,
    reader,
    tenantId: row.tenant_id,
    datasetId: row.id,
    filters: source.filters,
    score: source.score,
    preference: source.preference,
  };
  yield* source.preference ? langfusePreferenceLines(read, source.preference, signal) : langfuseChatLines(read, signal);
}

function buildSource(deps: DatasetDeps, row: DatasetRow, signal?: AbortSignal): DatasetBuildSource {
  const source = row.source as unknown as StoredDatasetSource;
  switch (source.type) {
    case 'inline':
    case 'upload':
      return { bytes: blobSourceBytes(deps.blobs, source.blob_key) };
    case 'orchestrator_traces':
      if (!deps.traces) throw new DependencyUnavailableError('orchestrator', 'no Orchestrator is configured for a trace source');
      return traceSourceLines(deps.traces, { ...source.filters, project_id: row.project_id }, signal);
    case 'otel_spans': {
      const scope = { tenantId: row.tenant_id, projectId: row.project_id, filters: source.filters };
      return source.preference ? otelSpanPreferenceLines(deps.db, scope, source.preference, signal) : otelSpanChatLines(deps.db, scope, signal);
    }
    case 'langfuse':
      return langfuseLines(deps, row, source, signal);
  }
}

async function loadRow(deps: DatasetDeps, ctx: ServiceContext, id: string): Promise<DatasetRow> {
  const row = await deps.db.selectFrom('datasets').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('dataset', id);
  return row;
}

/** Moves the dataset to `building` (a retry stays there), counting the attempt; audited. */
async function markBuilding(deps: DatasetDeps, ctx: ServiceContext, row: DatasetRow): Promise<void> {
  const status = nextDatasetStatus(row.status, 'start');
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('datasets')
      .set((eb) => ({
        status,
        started_at: row.started_at ?? ctx.clock.now(),
        updated_at: ctx.clock.now(),
        build_attempts: eb('build_attempts', '+', 1),
        progress: JSON.stringify({ records_read: 0, records_written: 0, records_dropped: 0 }),
      }))
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', row.id)
      .execute();
    await recordAudit(trx, ctx, {
      action: 'dataset.build_start',
      resourceType: 'dataset',
      resourceId: row.id,
      projectId: row.project_id,
      summary: `build of dataset ${row.name} v${row.version} started (attempt ${row.build_attempts + 1})`,
    });
  });
}

/** Writes the outcome, its event (`dataset.created` or `dataset.failed`) and audit row together. */
async function finish(deps: DatasetDeps, ctx: ServiceContext, row: DatasetRow, result: DatasetBuildResult): Promise<void> {
  const event: DatasetEvent = result.status === 'ready' ? 'succeed' : result.status === 'blocked' ? 'block' : 'fail';
  await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('datasets').select('status').where('tenant_id', '=', ctx.tenantId).where('id', '=', row.id).forUpdate().executeTakeFirstOrThrow();
    // A duplicate job (a sweep's re-enqueue racing the original) found it finished: nothing to do.
    if (isTerminalDatasetStatus(current.status)) return;
    // A finished version's Langfuse read is not needed again (a rebuild is a new version, read afresh).
    await clearLangfuseRead(trx, row.id);
    const status = nextDatasetStatus(current.status, event);
    const ready = status === 'ready';
    const updated = await trx
      .updateTable('datasets')
      .set({
        status,
        sanitized: ready,
        report: JSON.stringify(result.report),
        reasons: JSON.stringify(result.reasons),
        progress: JSON.stringify({ records_read: result.report.records_read, records_written: result.report.records_written, records_dropped: result.report.records_dropped }),
        train_blob_key: result.train?.key ?? null,
        train_size_bytes: result.train?.sizeBytes ?? null,
        train_sha256: result.train?.sha256 ?? null,
        validation_blob_key: result.validation?.key ?? null,
        validation_size_bytes: result.validation?.sizeBytes ?? null,
        validation_sha256: result.validation?.sha256 ?? null,
        train_record_count: result.train?.records ?? null,
        validation_record_count: result.validation?.records ?? null,
        token_estimate: ready ? result.report.tokens.token_estimate : null,
        input_record_count: result.report.records_read,
        dropped_record_count: result.report.records_dropped,
        updated_at: ctx.clock.now(),
        completed_at: ctx.clock.now(),
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const dataset = toDataset(updated);
    await recordEvent(trx, ctx, { type: ready ? 'dataset.created' : 'dataset.failed', resourceType: 'dataset', resourceId: row.id, projectId: row.project_id, payload: { dataset } });
    await recordAudit(trx, ctx, {
      action: ready ? 'dataset.build_succeed' : result.status === 'blocked' ? 'dataset.build_block' : 'dataset.build_fail',
      resourceType: 'dataset',
      resourceId: row.id,
      projectId: row.project_id,
      summary: ready
        ? `dataset ${row.name} v${row.version} is ready: ${result.report.records_written} examples, ${result.report.records_dropped} dropped`
        : `dataset ${row.name} v${row.version} ${status}: ${result.reasons.map((r) => r.code).join(', ')}`,
      details: { reasons: result.reasons, findings: result.report.sanitization.findings, train_sha256: result.train?.sha256 ?? null },
    });
  });
}

function emptyFailure(reasons: BuildReason[], sanitizer: string, config: DatasetBuildConfig): DatasetBuildResult {
  return {
    status: 'failed',
    reasons,
    train: null,
    validation: null,
    report: {
      records_read: 0,
      records_written: 0,
      records_dropped: 0,
      validation: { invalid: 0, by_reason: {} },
      sanitization: { sanitizer, policy: config.sanitization.policy, records_with_findings: 0, records_dropped: 0, findings: {} },
      dedup: { exact_removed: 0, near_removed: 0, near_threshold: config.dedup.near ? config.dedup.near_threshold : null, index_bytes: 0 },
      tokens: { encoding: 'o200k_base', examples: 0, total_tokens: 0, min: 0, mean: 0, p95: 0, max: 0, histogram: [], max_tokens_per_example: 1, examples_over_limit: 0, token_estimate: 0 },
      split: { validation_split: config.validation_split, train_records: 0, validation_records: 0 },
    },
  };
}

/**
 * Ends an unfinished dataset as `failed` with the given reasons and no file (event and audit in
 * the same transaction); a dataset already finished is left alone.
 */
export async function failDatasetBuild(deps: DatasetDeps, ctx: ServiceContext, row: DatasetRow, reasons: BuildReason[]): Promise<void> {
  const config = DatasetBuildConfig.parse({ ...row.config, format: row.format });
  await finish(deps, ctx, row, emptyFailure(reasons, deps.sanitizer.name, config));
}

/**
 * The `dataset.build` job: queued → building → ready | blocked | failed. Idempotent: a finished
 * dataset is left alone, and a re-run after a crash rebuilds the same bytes under the same keys.
 * A dependency outage is rethrown while attempts remain (the queue retries); on the last attempt,
 * and for any other error, the dataset ends `failed` with a reason that holds no record content.
 */
export async function runDatasetBuildJob(deps: DatasetDeps, ctx: ServiceContext, payload: DatasetBuildJobPayload, attempt: BuildJobAttempt): Promise<void> {
  const row = await loadRow(deps, ctx, payload.dataset_id);
  if (isTerminalDatasetStatus(row.status)) return;
  await markBuilding(deps, ctx, row);
  const config = DatasetBuildConfig.parse({ ...row.config, format: row.format });
  let result: DatasetBuildResult;
  try {
    result = await runDatasetBuild({
      source: buildSource(deps, row, attempt.signal),
      config,
      blobs: deps.blobs,
      keyPrefix: datasetKeyPrefix(row),
      sanitizer: deps.sanitizer,
      processor: deps.processor ?? inlineRecordProcessor,
      ...(deps.dedupMemoryBytes !== undefined ? { dedupMemoryBytes: deps.dedupMemoryBytes } : {}),
      onProgress: async (progress) => {
        await deps.db
          .updateTable('datasets')
          .set({ progress: JSON.stringify(progress), updated_at: ctx.clock.now() })
          .where('tenant_id', '=', ctx.tenantId)
          .where('id', '=', row.id)
          .execute();
      },
      ...(attempt.signal ? { signal: attempt.signal } : {}),
    });
  } catch (error) {
    const retryable = error instanceof DependencyUnavailableError || !(error instanceof FtmError);
    if (retryable && attempt.attempt < attempt.maxAttempts) throw error;
    ctx.logger.error({ err: error instanceof Error ? error.name : 'unknown', dataset_id: row.id }, 'dataset build failed');
    const message = error instanceof DependencyUnavailableError ? `${error.dependency} was unavailable for every build attempt` : 'the build failed unexpectedly';
    result = emptyFailure([{ code: error instanceof DependencyUnavailableError ? 'dependency_unavailable' : 'build_error', message }], deps.sanitizer.name, config);
  }
  await finish(deps, ctx, row, result);
}
