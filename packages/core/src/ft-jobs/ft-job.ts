import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { DatasetFormat, FtJobsTable, FtJobEventsTable, FtJobStatus, GateVerdictRecord } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';
import { FineTuneMethodType } from '../providers/provider-capabilities.js';

const auto = z.literal('auto');

/**
 * Hyperparameters as the API takes them (docs/openapi.yaml `FtHyperparameters`): the union of what
 * the providers take. Which ones a provider takes for a method, and in which range, its
 * capabilities say; create checks the request against them.
 */
export const FtHyperparameters = z
  .object({
    n_epochs: z.union([auto, z.number().int().min(1).max(50)]).optional(),
    batch_size: z.union([auto, z.number().int().min(1).max(1024)]).optional(),
    learning_rate_multiplier: z.union([auto, z.number().positive()]).optional(),
    beta: z.union([auto, z.number().positive().max(2)]).optional(),
    reasoning_effort: z.enum(['default', 'low', 'medium', 'high']).optional(),
    compute_multiplier: z.union([auto, z.number().positive()]).optional(),
    eval_interval: z.union([auto, z.number().int().min(1)]).optional(),
    eval_samples: z.union([auto, z.number().int().min(1)]).optional(),
    learning_rate: z.number().positive().max(1).optional(),
    warmup_ratio: z.number().min(0).max(1).optional(),
    n_checkpoints: z.number().int().min(1).max(100).optional(),
    n_evals: z.number().int().min(0).max(100).optional(),
    training_type: z.enum(['lora', 'full']).optional(),
    lora_r: z.number().int().min(1).max(1024).optional(),
    lora_alpha: z.number().int().min(1).max(4096).optional(),
    lora_dropout: z.number().min(0).lt(1).optional(),
  })
  .strict();
export type FtHyperparameters = z.infer<typeof FtHyperparameters>;

/**
 * Key prefix callers may not use in a job's metadata. FTM's bookkeeping lived under `_ftm` there
 * until migration 0017 moved it to its own column; the prefix stays reserved, as the API has always answered.
 */
export const RESERVED_METADATA_KEY = '_ftm';

const Metadata = z
  .record(z.string().min(1).max(64), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata keys')
  .refine((m) => !Object.keys(m).some((k) => k.startsWith(RESERVED_METADATA_KEY)), `metadata keys may not start with ${RESERVED_METADATA_KEY}`);

/** Body of `POST /ft-jobs` (docs/openapi.yaml `CreateFtJobRequest`). */
export const CreateFtJobInput = z
  .object({
    dataset_id: z.uuid(),
    base_model: z.string().min(1).max(128),
    provider: z.string().min(1).max(64).optional(),
    project_id: z.uuid().optional(),
    method: FineTuneMethodType.default('supervised'),
    hyperparameters: FtHyperparameters.default({}),
    grader: z.record(z.string(), z.unknown()).optional(),
    suffix: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional(),
    seed: z.number().int().min(0).max(2_147_483_647).optional(),
    cost_threshold_usd: z.number().nonnegative().optional(),
    prism_pre_approval: z.boolean().default(false),
    model_version_name: z.string().min(1).max(200).optional(),
    metadata: Metadata.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.method === 'reinforcement' && !v.grader) ctx.addIssue({ code: 'custom', path: ['grader'], message: 'reinforcement needs a grader' });
    if (v.method !== 'reinforcement' && v.grader) ctx.addIssue({ code: 'custom', path: ['grader'], message: 'only reinforcement takes a grader' });
    const lora = ['lora_r', 'lora_alpha', 'lora_dropout'] as const;
    for (const k of lora) {
      if (v.hyperparameters.training_type === 'full' && v.hyperparameters[k] !== undefined)
        ctx.addIssue({ code: 'custom', path: ['hyperparameters', k], message: `${k} applies to LoRA training, not full` });
    }
    if (v.method !== 'dpo' && v.hyperparameters.beta !== undefined) ctx.addIssue({ code: 'custom', path: ['hyperparameters', 'beta'], message: 'beta is a DPO hyperparameter' });
    const rftOnly = ['reasoning_effort', 'compute_multiplier', 'eval_interval', 'eval_samples'] as const;
    for (const k of rftOnly) {
      if (v.method !== 'reinforcement' && v.hyperparameters[k] !== undefined) ctx.addIssue({ code: 'custom', path: ['hyperparameters', k], message: `${k} is a reinforcement hyperparameter` });
    }
  });
export type CreateFtJobInput = z.infer<typeof CreateFtJobInput>;

/** Query of `GET /ft-jobs`. */
export const ListFtJobsInput = PageParams.extend({
  project_id: z.uuid().optional(),
  status: z.enum(['queued', 'awaiting_approval', 'submitting', 'running', 'completed', 'failed', 'canceled', 'blocked']).optional(),
  dataset_id: z.uuid().optional(),
}).strict();
export type ListFtJobsInput = z.infer<typeof ListFtJobsInput>;

/** Query of `GET /ft-jobs/{id}/events`. */
export const ListFtJobEventsInput = PageParams.strict();
export type ListFtJobEventsInput = z.infer<typeof ListFtJobEventsInput>;

/** The cost estimate as stored and shown (`FtCostEstimate`). */
export interface FtCostEstimate {
  readonly epochs: number;
  readonly billable_tokens: number;
  readonly price_per_million_tokens_usd: number;
  readonly price_table_version: string;
  readonly estimated_cost_usd: number;
}

/**
 * FTM's bookkeeping of a job, in the `ftm_state` column (migration 0017), apart from the caller's
 * metadata. {@link ftJobBookkeeping} reads it, {@link ftmStateColumn} writes it.
 */
export interface FtJobBookkeeping {
  readonly cost_estimate: FtCostEstimate | null;
  readonly cost_threshold_usd: number | null;
  readonly prism_pre_approval: boolean;
  readonly model_version_name: string | null;
  readonly grader: Record<string, unknown> | null;
  readonly status_reason: string | null;
  readonly progress: { step: number; total_steps: number | null; train_loss: number | null } | null;
  readonly last_provider_event_id: string | null;
  /** Until when one worker holds the right to submit; see submitFtJob. */
  readonly submit_lease_until: string | null;
  /** The format the provider receives when it differs from the dataset's (converted at upload). */
  readonly training_format?: DatasetFormat | null;
}

/** The public shape of a fine-tuning job (docs/openapi.yaml `FtJob`). */
export interface FtJob {
  readonly id: string;
  readonly project_id: string | null;
  readonly dataset_id: string;
  readonly base_model: string;
  readonly provider: string;
  readonly simulated: boolean;
  readonly method: 'supervised' | 'dpo' | 'reinforcement';
  readonly hyperparameters: FtHyperparameters;
  readonly suffix: string | null;
  readonly seed: number | null;
  readonly status: FtJobStatus;
  readonly status_reason: string | null;
  readonly provider_job_id: string | null;
  readonly provider_status: string | null;
  readonly progress: FtJobBookkeeping['progress'];
  readonly fine_tuned_model: string | null;
  readonly model_version_id: string | null;
  /** The job this one was retargeted from, or null. */
  readonly retargeted_from: string | null;
  readonly cost_estimate: FtCostEstimate | null;
  readonly estimated_tokens: number | null;
  readonly estimated_cost_usd: number | null;
  readonly actual_cost_usd: number | null;
  readonly trained_tokens: number | null;
  readonly cost_threshold_usd: number | null;
  readonly prism_pre_approval: boolean;
  readonly approval_id: string | null;
  readonly gates: readonly GateVerdictRecord[];
  readonly governance_decision_id: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly created_by: string;
  readonly cancel_requested_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly submitted_at: string | null;
  readonly finished_at: string | null;
}

/** The public shape of one timeline entry (`FtJobEvent`). */
export interface FtJobTimelineEvent {
  readonly id: string;
  readonly ft_job_id: string;
  readonly source: 'ftm' | 'provider';
  readonly level: 'info' | 'warn' | 'error';
  readonly type: string;
  readonly message: string;
  readonly data: Record<string, unknown>;
  readonly created_at: string;
}

export type FtJobRow = Selectable<FtJobsTable>;
export type FtJobEventRow = Selectable<FtJobEventsTable>;

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();
const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

const EMPTY_BOOKKEEPING: FtJobBookkeeping = {
  cost_estimate: null,
  cost_threshold_usd: null,
  prism_pre_approval: false,
  model_version_name: null,
  grader: null,
  status_reason: null,
  progress: null,
  last_provider_event_id: null,
  submit_lease_until: null,
  training_format: null,
};

/** FTM's bookkeeping of a row. */
export function ftJobBookkeeping(row: Pick<FtJobRow, 'ftm_state'>): FtJobBookkeeping {
  return { ...EMPTY_BOOKKEEPING, ...(row.ftm_state as Partial<FtJobBookkeeping>) };
}

/** The ftm_state column value for FTM's bookkeeping. */
export function ftmStateColumn(bookkeeping: FtJobBookkeeping): string {
  return JSON.stringify(bookkeeping);
}

/** Row → public shape. */
export function toFtJob(row: FtJobRow): FtJob {
  const b = ftJobBookkeeping(row);
  const gates = row.gates as GateVerdictRecord[];
  const error = row.error as { code?: unknown; message?: unknown } | null;
  return {
    id: row.id,
    project_id: row.project_id,
    dataset_id: row.dataset_id,
    base_model: row.base_model,
    provider: row.provider,
    simulated: row.simulated,
    method: row.method,
    hyperparameters: row.hyperparameters as FtHyperparameters,
    suffix: row.suffix,
    seed: row.seed,
    status: row.status,
    status_reason: b.status_reason,
    provider_job_id: row.provider_job_id,
    provider_status: row.provider_status,
    progress: b.progress,
    fine_tuned_model: row.fine_tuned_model,
    model_version_id: row.model_version_id,
    retargeted_from: row.retargeted_from,
    cost_estimate: b.cost_estimate,
    estimated_tokens: row.estimated_tokens === null ? null : Number(row.estimated_tokens),
    estimated_cost_usd: num(row.estimated_cost_usd),
    actual_cost_usd: num(row.actual_cost_usd),
    trained_tokens: row.trained_tokens === null ? null : Number(row.trained_tokens),
    cost_threshold_usd: b.cost_threshold_usd,
    prism_pre_approval: b.prism_pre_approval,
    approval_id: row.approval_id,
    gates,
    governance_decision_id: gates.find((g) => g.gate === 'governance')?.decision_id ?? null,
    error: error ? { code: String(error.code ?? 'error'), message: String(error.message ?? '') } : null,
    metadata: row.metadata,
    created_by: row.created_by,
    cancel_requested_at: row.cancel_requested_at ? iso(row.cancel_requested_at) : null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    submitted_at: row.submitted_at ? iso(row.submitted_at) : null,
    finished_at: row.finished_at ? iso(row.finished_at) : null,
  };
}

/** Event row → public shape. */
export function toFtJobTimelineEvent(row: FtJobEventRow): FtJobTimelineEvent {
  return {
    id: row.id,
    ft_job_id: row.ft_job_id,
    source: row.source,
    level: row.level,
    type: row.type,
    message: row.message,
    data: row.data as Record<string, unknown>,
    created_at: iso(row.created_at),
  };
}
