import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { ReEvalRunsTable, ReEvalsTable } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';
import { ModelRef } from '../evals/model-ref.js';
import { Target } from '../pointers/target.js';

/** When a re-eval runs: on a five-field UTC cron, or once, as soon as possible. */
export const ReEvalSchedule = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('cron'), cron: z.string().trim().min(9).max(120) }), z.strictObject({ type: z.literal('immediate') })]);
export type ReEvalSchedule = z.infer<typeof ReEvalSchedule>;

/** What counts as a regression, and whether to roll back on one. */
export const ReEvalPolicy = z.strictObject({
  max_score_drop: z.number().min(0).max(1),
  max_cost_increase_pct: z.number().min(0).optional(),
  max_risk_increase: z.number().min(0).max(1).optional(),
  auto_rollback: z.boolean().default(false),
});
export type ReEvalPolicy = z.infer<typeof ReEvalPolicy>;

/** Body of `POST /monitoring/re-evals`: exactly one of target and model. */
export const CreateReEvalInput = z
  .strictObject({
    eval_suite_id: z.uuid(),
    target: Target.optional(),
    model: ModelRef.optional(),
    schedule: ReEvalSchedule,
    policy: ReEvalPolicy,
    project_id: z.uuid().optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .refine((b) => (b.target === undefined) !== (b.model === undefined), { path: ['target'], message: 'give exactly one of target and model' });
export type CreateReEvalInput = z.infer<typeof CreateReEvalInput>;

/** Query of `GET /monitoring/re-evals`; `completed` means an immediate re-eval that has run. */
export const ListReEvalsInput = PageParams.extend({
  status: z.enum(['active', 'paused', 'completed']).optional(),
  eval_suite_id: z.uuid().optional(),
}).strict();
export type ListReEvalsInput = z.infer<typeof ListReEvalsInput>;

/**
 * What a re-eval compares with. `applies_to` (stored, not shown) names the model it is the
 * baseline of: a model version id, or `ref:<type>:<value>` for a model that is not registered.
 */
export interface StoredBaseline {
  readonly eval_run_id: string | null;
  readonly model_version_id: string | null;
  readonly score: number | null;
  readonly cost_usd: number | null;
  readonly applies_to?: string;
}

/** One run of a re-eval compared with its baseline (the contract's `ReEvalRegression`). */
export interface ReEvalRegression {
  readonly score: number | null;
  readonly baseline_score: number | null;
  readonly score_delta: number | null;
  readonly cost_increase_pct: number | null;
  readonly risk_delta: number | null;
  readonly significant: boolean | null;
  readonly confidence_interval: { readonly level: number; readonly lower: number; readonly upper: number } | null;
  readonly reasons: readonly string[];
}

/** The contract's `ReEvalRun`. */
export interface ReEvalRun {
  readonly id: string;
  readonly eval_run_id: string | null;
  readonly model_version_id: string | null;
  readonly scheduled_for: string;
  readonly regression: ReEvalRegression | null;
  readonly detected: boolean;
  readonly action_taken: 'none' | 'rolled_back' | 'rollback_skipped';
  readonly created_at: string;
  readonly completed_at: string | null;
}

/** The contract's `ReEval`. */
export interface ReEval {
  readonly id: string;
  readonly project_id: string | null;
  readonly name: string | null;
  readonly eval_suite_id: string;
  readonly target: Target | null;
  readonly model: ModelRef | null;
  readonly schedule: ReEvalSchedule;
  readonly policy: ReEvalPolicy;
  readonly status: 'active' | 'paused';
  readonly promotion_id: string | null;
  readonly baseline: Omit<StoredBaseline, 'applies_to'> | null;
  readonly next_run_at: string | null;
  readonly last_run_at: string | null;
  readonly runs: readonly ReEvalRun[];
  readonly created_by: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export type ReEvalRow = Selectable<ReEvalsTable>;
export type ReEvalRunRow = Selectable<ReEvalRunsTable>;

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();
const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : iso(v));

/** The stored baseline, or null when none was taken yet. */
export function storedBaseline(row: Pick<ReEvalRow, 'baseline'>): StoredBaseline | null {
  const b = row.baseline as Partial<StoredBaseline>;
  if (b.eval_run_id === undefined && b.applies_to === undefined) return null;
  return {
    eval_run_id: b.eval_run_id ?? null,
    model_version_id: b.model_version_id ?? null,
    score: b.score ?? null,
    cost_usd: b.cost_usd ?? null,
    ...(b.applies_to ? { applies_to: b.applies_to } : {}),
  };
}

/** Row → public run. */
export function toReEvalRun(row: ReEvalRunRow): ReEvalRun {
  const r = row.regression as Partial<ReEvalRegression>;
  return {
    id: row.id,
    eval_run_id: row.eval_run_id,
    model_version_id: row.model_version_id,
    scheduled_for: iso(row.scheduled_for),
    regression: r.reasons === undefined ? null : (r as ReEvalRegression),
    detected: row.detected,
    action_taken: row.action_taken,
    created_at: iso(row.created_at),
    completed_at: isoOrNull(row.completed_at),
  };
}

/** Row (+ its recent runs, newest first) → public re-eval. */
export function toReEval(row: ReEvalRow, runs: readonly ReEvalRunRow[]): ReEval {
  const baseline = storedBaseline(row);
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    eval_suite_id: row.eval_suite_id,
    target: row.target_type && row.target_value ? { type: row.target_type, value: row.target_value } : null,
    model: (row.model_ref as ModelRef | null) ?? null,
    schedule: row.schedule === 'cron' ? { type: 'cron', cron: row.cron ?? '' } : { type: 'immediate' },
    policy: row.policy as ReEvalPolicy,
    status: row.status,
    promotion_id: row.promotion_id,
    baseline: baseline ? { eval_run_id: baseline.eval_run_id, model_version_id: baseline.model_version_id, score: baseline.score, cost_usd: baseline.cost_usd } : null,
    next_run_at: isoOrNull(row.next_run_at),
    last_run_at: isoOrNull(row.last_run_at),
    runs: runs.map(toReEvalRun),
    created_by: row.created_by,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}
