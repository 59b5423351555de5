import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { GateVerdictRecord, PromotionDecision, PromotionsTable } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';
import { Target, TARGET_TYPES } from '../pointers/target.js';

export type { PromotionDecision } from '../db/schema.js';

/** Every decision a promotion can end with. */
export const PROMOTION_DECISIONS = ['promoted', 'rejected', 'blocked', 'pending_approval'] as const satisfies readonly PromotionDecision[];

const Notes = z.string().trim().min(1).max(2000);

/** Body of `POST /promotions`. */
export const CreatePromotionInput = z.strictObject({
  model_version_id: z.uuid(),
  target: Target,
  min_eval_score: z.number().min(0).max(1),
  eval_suite_id: z.uuid().optional(),
  max_regression: z.number().min(0).max(1).optional(),
  require_approval: z.boolean().default(false),
  notes: Notes.optional(),
});
export type CreatePromotionInput = z.infer<typeof CreatePromotionInput>;

/** Query of `GET /promotions`. */
export const ListPromotionsInput = PageParams.extend({
  model_version_id: z.uuid().optional(),
  target_type: z.enum(TARGET_TYPES).optional(),
  target_value: z.string().min(1).max(200).optional(),
  decision: z.enum(PROMOTION_DECISIONS).optional(),
}).strict();
export type ListPromotionsInput = z.infer<typeof ListPromotionsInput>;

/** Body of `POST /promotions/{id}/rollback` (optional). */
export const RollbackPromotionInput = z.strictObject({ notes: Notes.optional() });
export type RollbackPromotionInput = z.infer<typeof RollbackPromotionInput>;

/** The promoted version's eval at promotion time; monitoring compares re-evals with it. */
export interface PromotionBaseline {
  readonly eval_suite_id: string | null;
  readonly eval_run_id: string | null;
  readonly score: number | null;
  readonly cost_usd: number | null;
}

/** A promotion decision as the API returns it (the contract's `Promotion`). */
export interface Promotion {
  readonly id: string;
  readonly project_id: string | null;
  readonly model_version_id: string;
  readonly target: Target;
  readonly decision: PromotionDecision;
  readonly gates: readonly GateVerdictRecord[];
  readonly min_eval_score: number | null;
  readonly eval_suite_id: string | null;
  readonly max_regression: number | null;
  readonly baseline: PromotionBaseline | null;
  readonly pointer_id: string | null;
  readonly previous_model_version_id: string | null;
  readonly approval_id: string | null;
  readonly notes: string | null;
  readonly created_by: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly decided_at: string | null;
  readonly rolled_back_at: string | null;
  readonly rolled_back_by: string | null;
}

export type PromotionRow = Selectable<PromotionsTable>;

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();
const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : iso(v));

/** The stored baseline, or null when the promotion took none (the column defaults to `{}`). */
export function baselineOf(row: Pick<PromotionRow, 'baseline'>): PromotionBaseline | null {
  const b = row.baseline as Partial<PromotionBaseline>;
  if (b.eval_run_id === undefined) return null;
  return { eval_suite_id: b.eval_suite_id ?? null, eval_run_id: b.eval_run_id ?? null, score: b.score ?? null, cost_usd: b.cost_usd ?? null };
}

/** Row → public promotion. */
export function toPromotion(row: PromotionRow): Promotion {
  return {
    id: row.id,
    project_id: row.project_id,
    model_version_id: row.model_version_id,
    target: { type: row.target_type, value: row.target_value },
    decision: row.decision,
    gates: row.gates.map((g) => ({
      gate: g.gate,
      verdict: g.verdict,
      ...(g.reason !== undefined ? { reason: g.reason } : {}),
      ...(g.decision_id !== undefined ? { decision_id: g.decision_id } : {}),
    })),
    min_eval_score: row.min_eval_score,
    eval_suite_id: row.eval_suite_id,
    max_regression: row.max_regression,
    baseline: baselineOf(row),
    pointer_id: row.pointer_id,
    previous_model_version_id: row.previous_model_version_id,
    approval_id: row.approval_id,
    notes: row.notes,
    created_by: row.created_by,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    decided_at: isoOrNull(row.decided_at),
    rolled_back_at: isoOrNull(row.rolled_back_at),
    rolled_back_by: row.rolled_back_by,
  };
}
