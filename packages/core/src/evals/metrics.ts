import type { GraderVerdict } from './graders/grader-types.js';
import type { EvalMetrics } from './eval-run.js';

/** What metrics need of one finished case. */
export interface CaseOutcome {
  readonly score: number;
  readonly passed: boolean;
  readonly verdicts: readonly Pick<GraderVerdict, 'grader' | 'passed' | 'score'>[];
  readonly tags: readonly string[];
  readonly latencyMs: number | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Model and judge cost together. */
  readonly costUsd: number;
  readonly judgeCostUsd: number;
}

const round = (x: number, digits = 6): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Nearest-rank percentile (p in 0..100) of unsorted values; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

class Tally {
  score = 0;
  passed = 0;
  n = 0;
  add(score: number, passed: boolean): void {
    this.score += score;
    this.passed += passed ? 1 : 0;
    this.n += 1;
  }
  get mean(): number {
    return this.n === 0 ? 0 : round(this.score / this.n);
  }
  get passRate(): number {
    return this.n === 0 ? 0 : round(this.passed / this.n);
  }
}

/**
 * A run's metrics over its finished cases: mean case score (each case already weighted by its
 * graders), pass rate, per grader and per tag, latency p50/p95 (nearest rank), tokens and cost.
 */
export function computeMetrics(outcomes: readonly CaseOutcome[]): EvalMetrics {
  const all = new Tally();
  const graders = new Map<string, Tally>();
  const tags = new Map<string, Tally>();
  const latencies: number[] = [];
  let input = 0;
  let output = 0;
  let cost = 0;
  let judge = 0;
  for (const o of outcomes) {
    all.add(o.score, o.passed);
    for (const v of o.verdicts) {
      let t = graders.get(v.grader);
      if (!t) graders.set(v.grader, (t = new Tally()));
      t.add(v.score, v.passed);
    }
    for (const tag of o.tags) {
      let t = tags.get(tag);
      if (!t) tags.set(tag, (t = new Tally()));
      t.add(o.score, o.passed);
    }
    if (o.latencyMs !== null) latencies.push(o.latencyMs);
    input += o.inputTokens;
    output += o.outputTokens;
    cost += o.costUsd;
    judge += o.judgeCostUsd;
  }
  const byName = <T>(m: Map<string, Tally>, f: (t: Tally) => T) => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, t]) => [k, f(t)]));
  return {
    score: all.mean,
    pass_rate: all.passRate,
    per_grader: byName(graders, (t) => ({ score: t.mean, pass_rate: t.passRate })),
    per_tag: byName(tags, (t) => ({ score: t.mean, pass_rate: t.passRate, cases: t.n })),
    latency_ms: { p50: round(percentile(latencies, 50), 3), p95: round(percentile(latencies, 95), 3) },
    tokens: { input, output, total: input + output },
    cost_usd: round(cost),
    judge_cost_usd: round(judge),
  };
}
