import { z } from 'zod';
import { PageParams } from '../db/pagination.js';
import type { Selectable } from 'kysely';
import type { EvalRunStatus, EvalRunsTable } from '../db/schema.js';
import type { RunnerToolCall } from '../runners/model-runner.js';
import type { GraderVerdict } from './graders/grader-types.js';
import { ModelRef } from './model-ref.js';

export type { EvalRunStatus } from '../db/schema.js';

/** An eval_runs row as Kysely selects it. */
export type EvalRunRow = Selectable<EvalRunsTable>;

/** Every run status. */
export const EVAL_RUN_STATUSES = ['queued', 'running', 'completed', 'stopped', 'failed', 'canceled'] as const satisfies readonly EvalRunStatus[];

/** Model parameters of a run. */
export const RunParams = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).max(128_000).optional(),
  seed: z.number().int().optional(),
  top_p: z.number().min(0).max(1).optional(),
});
export type RunParams = z.infer<typeof RunParams>;

/** `POST /eval-runs` body. */
export const CreateEvalRunInput = z.strictObject({
  eval_suite_id: z.uuid(),
  model: ModelRef,
  params: RunParams.default({}),
  concurrency: z.number().int().min(1).max(64).default(4),
  cost_cap_usd: z.number().min(0).max(1_000_000).optional(),
});
export type CreateEvalRunInput = z.infer<typeof CreateEvalRunInput>;

/** `GET /eval-runs` query. */
export const ListEvalRunsInput = PageParams.extend({
  project_id: z.uuid().optional(),
  eval_suite_id: z.uuid().optional(),
  model_version_id: z.uuid().optional(),
  status: z.enum(EVAL_RUN_STATUSES).optional(),
}).strict();
export type ListEvalRunsInput = z.infer<typeof ListEvalRunsInput>;

const QueryBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** `GET /eval-runs/{id}/results` query. */
export const ListEvalResultsInput = PageParams.extend({
  passed: QueryBoolean.optional(),
  tag: z.string().min(1).max(100).optional(),
}).strict();
export type ListEvalResultsInput = z.infer<typeof ListEvalResultsInput>;

/** Aggregates of a run (the contract's EvalMetrics). */
export interface EvalMetrics {
  readonly score: number;
  readonly pass_rate: number;
  readonly per_grader: Readonly<Record<string, { readonly score: number; readonly pass_rate: number }>>;
  readonly per_tag: Readonly<Record<string, { readonly score: number; readonly pass_rate: number; readonly cases: number }>>;
  readonly latency_ms: { readonly p50: number; readonly p95: number };
  readonly tokens: { readonly input: number; readonly output: number; readonly total: number };
  readonly cost_usd: number;
  readonly judge_cost_usd: number;
}

/** Counts of a run's progress. */
export interface EvalRunProgress {
  readonly cases_total: number;
  readonly cases_done: number;
  readonly cases_failed: number;
}

/** A run as the API returns it (the contract's EvalRun). */
export interface EvalRun {
  readonly id: string;
  readonly project_id: string | null;
  readonly eval_suite_id: string;
  readonly model: ModelRef;
  readonly model_version_id: string | null;
  readonly resolved_model: string | null;
  readonly status: EvalRunStatus;
  readonly stop_reason: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly params: RunParams;
  readonly concurrency: number;
  readonly cost_cap_usd: number | null;
  readonly progress: EvalRunProgress;
  readonly metrics: EvalMetrics | null;
  readonly cost_usd: number;
  readonly governance_decision_id: string | null;
  readonly created_by: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly started_at: string | null;
  readonly completed_at: string | null;
}

/** One case's result as the API returns it (the contract's EvalCaseResult). */
export interface EvalCaseResult {
  readonly case_id: string;
  readonly position: number;
  readonly tags: readonly string[];
  readonly passed: boolean;
  readonly score: number;
  readonly output: { readonly content: string | null; readonly tool_calls: readonly RunnerToolCall[] } | null;
  readonly graders: readonly GraderVerdict[];
  readonly latency_ms: number | null;
  readonly tokens: { readonly input: number; readonly output: number };
  readonly cost_usd: number;
  readonly error: string | null;
}

const toIso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();
const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : toIso(v));

/** Row → public run. */
export function toEvalRun(row: EvalRunRow): EvalRun {
  const progress = row.progress as Partial<EvalRunProgress>;
  const metrics = row.metrics as Partial<EvalMetrics>;
  return {
    id: row.id,
    project_id: row.project_id,
    eval_suite_id: row.eval_suite_id,
    model: row.model_ref as ModelRef,
    model_version_id: row.model_version_id,
    resolved_model: row.resolved_model,
    status: row.status,
    stop_reason: row.stop_reason,
    error: row.error as EvalRun['error'],
    params: row.params as RunParams,
    concurrency: row.concurrency,
    cost_cap_usd: row.cost_cap_usd === null ? null : Number(row.cost_cap_usd),
    progress: { cases_total: progress.cases_total ?? 0, cases_done: progress.cases_done ?? 0, cases_failed: progress.cases_failed ?? 0 },
    metrics: metrics.score === undefined ? null : (metrics as EvalMetrics),
    cost_usd: Number(row.cost_usd),
    governance_decision_id: row.governance_decision_id,
    created_by: row.created_by,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
    started_at: isoOrNull(row.started_at),
    completed_at: isoOrNull(row.completed_at),
  };
}
