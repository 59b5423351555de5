import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { ModelVersionStatus, ModelVersionsTable } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';
import { modelRetirement, type ModelRetirement } from '../providers/model-retirement.js';

export type { ModelVersionStatus } from '../db/schema.js';

/** Every status a model version can have, in lifecycle order. */
export const MODEL_VERSION_STATUSES = ['candidate', 'approved', 'production', 'retired'] as const satisfies readonly ModelVersionStatus[];

/** Latest completed eval score of one suite, as kept on the version. */
export interface EvalSummaryEntry {
  readonly eval_run_id: string;
  readonly score: number;
  readonly completed_at: string;
}

/** A registered model version as the API and events carry it. */
export interface ModelVersion {
  readonly id: string;
  readonly project_id: string | null;
  readonly name: string;
  readonly provider: string;
  readonly provider_model_id: string;
  readonly base_model: string;
  readonly status: ModelVersionStatus;
  readonly ft_job_id: string | null;
  readonly dataset_id: string | null;
  readonly eval_summary: Readonly<Record<string, EvalSummaryEntry>>;
  readonly estimated_cost_usd: number | null;
  readonly actual_cost_usd: number | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** The next announced date after which its provider stops training or serving it, or null. */
  readonly retirement: ModelRetirement | null;
  readonly created_by: string;
  readonly created_at: string;
  readonly updated_at: string;
}

const Label = z.string().trim().min(1).max(200);

/** Body of `POST /model-versions`; unknown fields are refused. */
export const CreateModelVersionInput = z.strictObject({
  name: Label,
  provider: z.string().trim().min(1).max(64),
  provider_model_id: z.string().trim().min(1).max(256),
  base_model: z.string().trim().min(1).max(128),
  project_id: z.uuid().optional(),
  ft_job_id: z.uuid().optional(),
  dataset_id: z.uuid().optional(),
  metadata: z
    .record(z.string().min(1).max(64), z.string().max(500))
    .refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata entries')
    .optional(),
});
export type CreateModelVersionInput = z.infer<typeof CreateModelVersionInput>;

/** In-process registration (fine-tuning): the API body plus what only the platform may set. */
export const RegisterModelVersionInput = CreateModelVersionInput.extend({
  estimated_cost_usd: z.number().nonnegative().nullable().optional(),
  actual_cost_usd: z.number().nonnegative().nullable().optional(),
});
export type RegisterModelVersionInput = z.infer<typeof RegisterModelVersionInput>;

/** Query of `GET /model-versions`. */
export const ListModelVersionsInput = PageParams.extend({
  project_id: z.uuid().optional(),
  status: z.enum(MODEL_VERSION_STATUSES).optional(),
  base_model: z.string().min(1).max(128).optional(),
}).strict();
export type ListModelVersionsInput = z.infer<typeof ListModelVersionsInput>;

type ModelVersionRow = Selectable<ModelVersionsTable>;

const toNumber = (v: string | number | null): number | null => (v === null ? null : Number(v));
const toIso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/**
 * Maps a database row to the public shape (numeric strings become numbers, times RFC 3339);
 * `now` (the caller's clock) counts the retirement's days left.
 */
export function toModelVersion(row: ModelVersionRow, now: Date = new Date()): ModelVersion {
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    provider: row.provider,
    provider_model_id: row.provider_model_id,
    base_model: row.base_model,
    status: row.status,
    ft_job_id: row.ft_job_id,
    dataset_id: row.dataset_id,
    eval_summary: row.eval_summary,
    estimated_cost_usd: toNumber(row.estimated_cost_usd),
    actual_cost_usd: toNumber(row.actual_cost_usd),
    metadata: row.metadata,
    retirement: modelRetirement(row.provider, row.base_model, now),
    created_by: row.created_by,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}
