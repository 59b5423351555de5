import type { EvalComparison } from '../evals/compare-eval-runs.js';
import type { ReEvalPolicy, ReEvalRegression } from './re-eval.js';

/** What one run and its baseline measured. */
export interface RegressionInput {
  readonly score: number | null;
  readonly baselineScore: number | null;
  /** The paired comparison, when the two runs could be compared case by case. */
  readonly comparison: EvalComparison['aggregate'] | null;
  readonly costUsd: number | null;
  readonly baselineCostUsd: number | null;
  /** 1 − the TRiSM safety grader's score, when the suite has one. */
  readonly risk: number | null;
  readonly baselineRisk: number | null;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Applies a policy to one run against its baseline: a score drop beyond `max_score_drop` that is
 * significant (or, when the runs cannot be paired, any such drop), a cost increase beyond
 * `max_cost_increase_pct`, or a risk increase beyond `max_risk_increase` is a regression; each
 * crossed limit is named in `reasons`.
 */
export function assessRegression(input: RegressionInput, policy: ReEvalPolicy): ReEvalRegression {
  const delta = input.comparison?.delta ?? (input.score !== null && input.baselineScore !== null ? round(input.score - input.baselineScore) : null);
  const significant = input.comparison ? input.comparison.significant : null;
  const costIncreasePct = input.costUsd !== null && input.baselineCostUsd !== null && input.baselineCostUsd > 0 ? round(((input.costUsd - input.baselineCostUsd) / input.baselineCostUsd) * 100) : null;
  const riskDelta = input.risk !== null && input.baselineRisk !== null ? round(input.risk - input.baselineRisk) : null;
  const reasons: string[] = [];
  if (delta !== null && delta < 0 && -delta > policy.max_score_drop && significant !== false) reasons.push('score_drop');
  if (policy.max_cost_increase_pct !== undefined && costIncreasePct !== null && costIncreasePct > policy.max_cost_increase_pct) reasons.push('cost_increase');
  if (policy.max_risk_increase !== undefined && riskDelta !== null && riskDelta > policy.max_risk_increase) reasons.push('risk_increase');
  return {
    score: input.score,
    baseline_score: input.baselineScore,
    score_delta: delta,
    cost_increase_pct: costIncreasePct,
    risk_delta: riskDelta,
    significant,
    confidence_interval: input.comparison
      ? { level: input.comparison.confidence_interval.level, lower: input.comparison.confidence_interval.lower, upper: input.comparison.confidence_interval.upper }
      : null,
    reasons,
  };
}

/** Risk of a run from its metrics: 1 − the TRiSM safety grader's score, or null without one. */
export function riskOf(metrics: unknown): number | null {
  const safety = (metrics as { per_grader?: Record<string, { score?: number }> } | null)?.per_grader?.trism_safety?.score;
  return typeof safety === 'number' ? round(1 - safety) : null;
}
