import type { Transaction } from 'kysely';
import { recordAudit } from '../audit/record-audit.js';
import type { DB } from '../db/schema.js';
import { recordEvent } from '../outbox/record-event.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, GateDeniedError, NotFoundError, PayloadTooLargeError, ValidationError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { resolveBaseModel } from './base-models.js';
import { canonicalSha256 } from '../shared/canonical-json.js';
import { CreateDatasetInput, toDataset, type Dataset, type StoredDatasetSource } from './dataset.js';
import type { DatasetDeps } from './dataset-deps.js';
import { datasetBuildJob } from './dataset-jobs.js';
import { enqueueJob } from '../shared/enqueue-job.js';
import { resolveDatasetProject } from './dataset-project.js';

/** Largest inline record body (bytes of JSON) a request may carry. */
export const MAX_INLINE_BYTES = 10 * 1024 * 1024;

/** The options that, with format and source, decide the built file (stored as `config`). */
function buildConfigOf(input: CreateDatasetInput): Record<string, unknown> {
  return {
    base_model: input.base_model,
    sanitization: input.sanitization,
    dedup: input.dedup,
    validation_split: input.validation_split,
    strict: input.strict,
    min_examples: input.min_examples,
  };
}

/** SHA-256 of the canonical {format, source identity, config}: a rebuild keeps it. */
export function datasetConfigHash(format: string, source: StoredDatasetSource, config: Record<string, unknown>): string {
  const identity = source.type === 'inline' ? { type: 'inline', sha256: source.sha256 } : source.type === 'upload' ? { type: 'upload', upload_id: source.upload_id, sha256: source.sha256 } : source;
  return canonicalSha256({ format, source: identity, config });
}

/** Fields of a new dataset row that create and rebuild share. */
export interface NewDatasetRow {
  readonly id: string;
  readonly projectId: string | null;
  readonly name: string;
  readonly description: string | null;
  readonly groupId: string;
  readonly version: number;
  readonly parentId: string | null;
  readonly configHash: string;
  readonly config: Record<string, unknown>;
  readonly source: StoredDatasetSource;
  readonly format: CreateDatasetInput['format'];
  readonly baseModel: string;
  readonly decisionId: string;
}

/** Inserts a queued dataset version with its event and audit row, in the caller's transaction. */
export async function insertQueuedDataset(trx: Transaction<DB>, ctx: ServiceContext, row: NewDatasetRow, action: 'dataset.create' | 'dataset.rebuild'): Promise<Dataset> {
  const now = ctx.clock.now();
  const inserted = await trx
    .insertInto('datasets')
    .values({
      id: row.id,
      tenant_id: ctx.tenantId,
      project_id: row.projectId,
      name: row.name,
      description: row.description,
      dataset_group_id: row.groupId,
      version: row.version,
      parent_dataset_id: row.parentId,
      config_hash: row.configHash,
      config: JSON.stringify(row.config),
      source: JSON.stringify(row.source),
      upload_id: row.source.type === 'upload' ? row.source.upload_id : null,
      format: row.format,
      base_model: row.baseModel,
      status: 'queued',
      governance_decision_id: row.decisionId,
      created_by: `${ctx.actor.type}:${ctx.actor.id}`,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const dataset = toDataset(inserted);
  await recordEvent(trx, ctx, { type: 'dataset.queued', resourceType: 'dataset', resourceId: dataset.id, projectId: dataset.project_id, payload: { dataset } });
  await recordAudit(trx, ctx, {
    action,
    resourceType: 'dataset',
    resourceId: dataset.id,
    projectId: dataset.project_id,
    summary: `${action === 'dataset.create' ? 'created' : 'rebuilt'} dataset ${dataset.name} v${dataset.version} (${dataset.format}, ${dataset.source.type} source); build queued`,
    details: { version: dataset.version, parent_dataset_id: dataset.parent_dataset_id, config_hash: dataset.config_hash, governance_decision_id: row.decisionId },
  });
  return dataset;
}

/** Asks governance whether the dataset may be built; a denial is GateDeniedError (409). */
export async function checkDatasetGovernance(deps: DatasetDeps, ctx: ServiceContext, projectId: string | null, attributes: Record<string, unknown>): Promise<string> {
  const decision = await deps.governance.check({ action: 'dataset.create', tenantId: ctx.tenantId, projectId, actor: ctx.actor, resource: { type: 'dataset', attributes } });
  if (decision.decision === 'deny') {
    throw new GateDeniedError(`governance denied dataset.create: ${decision.reasons.join('; ') || 'no reason given'}`, [
      { gate: 'governance', verdict: 'deny', reason: decision.reasons.join('; '), decisionId: decision.decisionId },
    ]);
  }
  return decision.decisionId;
}

/** Queues the build; the job id is the dataset id, so a repeat is a no-op. */
export async function enqueueDatasetBuild(deps: DatasetDeps, ctx: ServiceContext, datasetId: string): Promise<void> {
  await enqueueJob(deps.queue, datasetBuildJob, { tenant_id: ctx.tenantId, dataset_id: datasetId }, { jobId: datasetId });
}

async function storeSource(deps: DatasetDeps, ctx: ServiceContext, input: CreateDatasetInput, projectId: string | null, id: string): Promise<StoredDatasetSource> {
  const source = input.source;
  switch (source.type) {
    case 'inline': {
      const jsonl = source.records.map((r) => JSON.stringify(r) ?? 'null').join('\n') + '\n';
      const bytes = Buffer.byteLength(jsonl, 'utf8');
      if (bytes > MAX_INLINE_BYTES) throw new PayloadTooLargeError(MAX_INLINE_BYTES);
      const blobKey = `datasets/${ctx.tenantId}/${projectId ?? '_'}/${id}/source/inline.jsonl`;
      const info = await deps.blobs.put(blobKey, jsonl, { contentType: 'application/x-ndjson' });
      return { type: 'inline', blob_key: blobKey, record_count: source.records.length, sha256: info.sha256 };
    }
    case 'upload': {
      const upload = await deps.db.selectFrom('uploads').select(['id', 'blob_key', 'sha256', 'project_id']).where('tenant_id', '=', ctx.tenantId).where('id', '=', source.upload_id).executeTakeFirst();
      // A reference in the body, not the resource addressed: an unknown one is a bad request.
      if (!upload || (ctx.projectId && upload.project_id && upload.project_id !== ctx.projectId)) {
        throw new ValidationError(`upload ${source.upload_id} does not exist`, [{ path: 'source.upload_id', message: 'no such upload' }]);
      }
      return { type: 'upload', upload_id: upload.id, blob_key: upload.blob_key, sha256: upload.sha256 };
    }
    case 'orchestrator_traces':
      if (!deps.traces) throw new ConflictError('an orchestrator_traces source needs an Orchestrator; set FTM_ORCHESTRATOR_URL', 'orchestrator_not_configured');
      if (input.format !== 'jsonl_chat') {
        throw new ValidationError('traces map to chat examples', [{ path: 'format', message: 'an orchestrator_traces source needs format jsonl_chat' }]);
      }
      return { type: 'orchestrator_traces', filters: source.filters };
    case 'otel_spans':
      if (input.format === 'jsonl_prompt_completion') {
        throw new ValidationError('spans map to chat examples or preference pairs', [{ path: 'format', message: 'an otel_spans source needs format jsonl_chat or jsonl_preference' }]);
      }
      if (input.format === 'jsonl_preference' && !source.preference) {
        throw new ValidationError('a preference dataset needs to know how to pair replies', [{ path: 'source.preference', message: 'name a score_attribute, a correction_attribute or both' }]);
      }
      if (input.format === 'jsonl_chat' && source.preference) {
        throw new ValidationError('preference pairs are for jsonl_preference datasets', [{ path: 'source.preference', message: 'only with format jsonl_preference' }]);
      }
      return { type: 'otel_spans', filters: source.filters, preference: source.preference ?? null };
    case 'langfuse':
      if (input.format === 'jsonl_prompt_completion') {
        throw new ValidationError('generations map to chat examples or preference pairs', [{ path: 'format', message: 'a langfuse source needs format jsonl_chat or jsonl_preference' }]);
      }
      if (input.format === 'jsonl_preference' && !source.preference) {
        throw new ValidationError('a preference dataset needs to know how to pair replies', [{ path: 'source.preference', message: 'name a score, a correction_score or both' }]);
      }
      if (input.format === 'jsonl_chat' && source.preference) {
        throw new ValidationError('preference pairs are for jsonl_preference datasets', [{ path: 'source.preference', message: 'only with format jsonl_preference' }]);
      }
      return { type: 'langfuse', filters: source.filters, score: source.score ?? null, preference: source.preference ?? null };
  }
}

/**
 * `POST /datasets`: parse, check the base model and source, ask governance (`dataset.create`),
 * then one transaction writes the queued dataset, its event and audit row; the build job is
 * enqueued after commit with the dataset id as job id.
 */
export async function createDataset(deps: DatasetDeps, ctx: ServiceContext, raw: unknown): Promise<Dataset> {
  const inlineBytes = inlineSize(raw);
  if (inlineBytes > MAX_INLINE_BYTES) throw new PayloadTooLargeError(MAX_INLINE_BYTES);
  const input = parseInput(CreateDatasetInput, raw, 'dataset');
  resolveBaseModel(input.base_model);
  const projectId = await resolveDatasetProject(deps.db, ctx, input.project_id).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw new ValidationError(`project ${input.project_id} does not exist`, [{ path: 'project_id', message: 'no such project' }]);
    throw error;
  });
  if (input.source.type === 'orchestrator_traces' && !deps.traces) {
    throw new ConflictError('an orchestrator_traces source needs an Orchestrator; set FTM_ORCHESTRATOR_URL', 'orchestrator_not_configured');
  }
  if (input.source.type === 'langfuse' && !(await deps.langfuse?.open({ tenantId: ctx.tenantId, projectId }))) {
    throw new ConflictError('a langfuse source needs a Langfuse key pair for this project or tenant: an admin can store one (PUT /integrations/langfuse/credentials)', 'langfuse_not_configured');
  }
  const decisionId = await checkDatasetGovernance(deps, ctx, projectId, {
    format: input.format,
    source_type: input.source.type,
    base_model: input.base_model,
    sanitization_policy: input.sanitization.policy,
  });
  const id = ctx.ids.next();
  const source = await storeSource(deps, ctx, input, projectId, id);
  const config = buildConfigOf(input);
  const dataset = await deps.db.transaction().execute((trx) =>
    insertQueuedDataset(
      trx,
      ctx,
      {
        id,
        projectId,
        name: input.name,
        description: input.description ?? null,
        groupId: id,
        version: 1,
        parentId: null,
        configHash: datasetConfigHash(input.format, source, config),
        config,
        source,
        format: input.format,
        baseModel: input.base_model,
        decisionId,
      },
      'dataset.create',
    ),
  );
  await enqueueDatasetBuild(deps, ctx, dataset.id);
  return dataset;
}

/** Bytes of the inline records in a raw request, checked before any parsing work. */
function inlineSize(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null) return 0;
  const source = (raw as { source?: { type?: unknown; records?: unknown } }).source;
  if (!source || source.type !== 'inline' || !Array.isArray(source.records)) return 0;
  let bytes = 0;
  for (const r of source.records) {
    bytes += Buffer.byteLength(JSON.stringify(r) ?? 'null', 'utf8') + 1;
    if (bytes > MAX_INLINE_BYTES) return bytes;
  }
  return bytes;
}
