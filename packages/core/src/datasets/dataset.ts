import type { Selectable } from 'kysely';
import { z } from 'zod';
import { PageParams } from '../db/pagination.js';
import type { DatasetsTable, DatasetStatus } from '../db/schema.js';
import { DEFAULT_BASE_MODEL } from './base-models.js';
import type { BuildProgress, BuildReason, BuildReport } from './build/build-report.js';
import { DatasetFormat, DedupConfig, SanitizationConfig, TraceFilters } from './dataset-config.js';
import { LangfuseFilters, LangfusePreference, LangfuseScoreFilter } from './langfuse-source-config.js';
import { OtelSpanFilters, PreferenceFromFeedback } from './otel-span-source-config.js';

/** `POST /datasets` body (the contract's CreateDatasetRequest). */
export const CreateDatasetInput = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  project_id: z.uuid().optional(),
  format: DatasetFormat,
  base_model: z.string().min(1).max(200).default(DEFAULT_BASE_MODEL),
  source: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('inline'), records: z.array(z.unknown()).min(1) }),
    z.strictObject({ type: z.literal('upload'), upload_id: z.uuid() }),
    z.strictObject({ type: z.literal('orchestrator_traces'), filters: TraceFilters.strict() }),
    z.strictObject({ type: z.literal('otel_spans'), filters: OtelSpanFilters.default({}), preference: PreferenceFromFeedback.optional() }),
    z.strictObject({ type: z.literal('langfuse'), filters: LangfuseFilters.default({ tags_match: 'any' }), score: LangfuseScoreFilter.optional(), preference: LangfusePreference.optional() }),
  ]),
  sanitization: SanitizationConfig.strict().default({ policy: 'redact' }),
  dedup: DedupConfig.strict().default({ exact: true, near: true, near_threshold: 0.9 }),
  validation_split: z.number().min(0).max(0.5).default(0),
  strict: z.boolean().default(false),
  min_examples: z.number().int().min(1).max(1_000_000).default(10),
});
export type CreateDatasetInput = z.infer<typeof CreateDatasetInput>;

/** `GET /datasets` query. */
export const ListDatasetsInput = PageParams.extend({
  project_id: z.uuid().optional(),
  status: z.enum(['queued', 'building', 'ready', 'blocked', 'failed']).optional(),
  format: DatasetFormat.optional(),
  dataset_group_id: z.uuid().optional(),
  parent_dataset_id: z.uuid().optional(),
});
export type ListDatasetsInput = z.infer<typeof ListDatasetsInput>;

/** What the `source` column holds: inline records live in blob storage, never in the row. */
export type StoredDatasetSource =
  | { readonly type: 'inline'; readonly blob_key: string; readonly record_count: number; readonly sha256: string }
  | { readonly type: 'upload'; readonly upload_id: string; readonly blob_key: string; readonly sha256: string }
  | { readonly type: 'orchestrator_traces'; readonly filters: TraceFilters }
  | { readonly type: 'otel_spans'; readonly filters: OtelSpanFilters; readonly preference: PreferenceFromFeedback | null }
  | { readonly type: 'langfuse'; readonly filters: LangfuseFilters; readonly score: LangfuseScoreFilter | null; readonly preference: LangfusePreference | null };

/** One built file as the API shows it. */
export interface DatasetFile {
  readonly split: 'train' | 'validation';
  readonly records: number;
  readonly size_bytes: number;
  readonly sha256: string;
}

/** A dataset version, as the API returns it (the contract's Dataset). */
export interface Dataset {
  readonly id: string;
  readonly project_id: string | null;
  readonly name: string;
  readonly description: string | null;
  readonly format: DatasetFormat;
  readonly base_model: string;
  readonly source: {
    readonly type: StoredDatasetSource['type'];
    readonly upload_id: string | null;
    readonly filters: TraceFilters | OtelSpanFilters | LangfuseFilters | null;
    readonly inline_record_count: number | null;
    /** How preference pairs are made (an `otel_spans` source of a `jsonl_preference` dataset). */
    readonly preference?: PreferenceFromFeedback | LangfusePreference;
    /** Which score a `langfuse` source keeps generations by. */
    readonly score?: LangfuseScoreFilter;
  };
  readonly status: DatasetStatus;
  readonly sanitized: boolean;
  readonly dataset_group_id: string;
  readonly version: number;
  readonly parent_dataset_id: string | null;
  readonly config_hash: string;
  readonly progress: BuildProgress;
  readonly report: BuildReport | null;
  readonly files: readonly DatasetFile[];
  readonly record_count: number | null;
  readonly token_estimate: number | null;
  readonly content_sha256: string | null;
  readonly size_bytes: number | null;
  readonly reasons: readonly BuildReason[];
  readonly governance_decision_id: string | null;
  readonly config: Record<string, unknown>;
  readonly created_by: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly started_at: string | null;
  readonly completed_at: string | null;
}

export type DatasetRow = Selectable<DatasetsTable>;

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** Row → API shape. Reasons keep only code and message (details stay in the audit trail). */
export function toDataset(row: DatasetRow): Dataset {
  const source = row.source as unknown as StoredDatasetSource;
  const progress = row.progress as Partial<BuildProgress>;
  const files: DatasetFile[] = [];
  if (row.train_blob_key && row.train_sha256) {
    files.push({ split: 'train', records: row.train_record_count ?? 0, size_bytes: row.train_size_bytes ?? 0, sha256: row.train_sha256 });
  }
  if (row.validation_blob_key && row.validation_sha256) {
    files.push({ split: 'validation', records: row.validation_record_count ?? 0, size_bytes: row.validation_size_bytes ?? 0, sha256: row.validation_sha256 });
  }
  const ready = row.status === 'ready';
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    description: row.description,
    format: row.format,
    base_model: row.base_model ?? DEFAULT_BASE_MODEL,
    source: {
      type: source.type,
      upload_id: source.type === 'upload' ? source.upload_id : null,
      filters: source.type === 'orchestrator_traces' || source.type === 'otel_spans' || source.type === 'langfuse' ? source.filters : null,
      inline_record_count: source.type === 'inline' ? source.record_count : null,
      ...((source.type === 'otel_spans' || source.type === 'langfuse') && source.preference ? { preference: source.preference } : {}),
      ...(source.type === 'langfuse' && source.score ? { score: source.score } : {}),
    },
    status: row.status,
    sanitized: row.sanitized,
    dataset_group_id: row.dataset_group_id,
    version: row.version,
    parent_dataset_id: row.parent_dataset_id,
    config_hash: row.config_hash,
    progress: { records_read: progress.records_read ?? 0, records_written: progress.records_written ?? 0, records_dropped: progress.records_dropped ?? 0 },
    report: Object.keys(row.report).length > 0 ? (row.report as unknown as BuildReport) : null,
    files,
    record_count: ready ? (row.train_record_count ?? 0) + (row.validation_record_count ?? 0) : null,
    token_estimate: row.token_estimate,
    content_sha256: ready ? row.train_sha256 : null,
    size_bytes: ready ? row.train_size_bytes : null,
    reasons: row.reasons.map((r) => ({ code: r.code, message: r.message })),
    governance_decision_id: row.governance_decision_id,
    config: row.config,
    created_by: row.created_by,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
  };
}

/** Where a version's files live: `datasets/{tenant}/{project}/{dataset_id}/v{n}`. */
export function datasetKeyPrefix(row: Pick<DatasetRow, 'tenant_id' | 'project_id' | 'id' | 'version'>): string {
  return `datasets/${row.tenant_id}/${row.project_id ?? '_'}/${row.id}/v${row.version}`;
}
