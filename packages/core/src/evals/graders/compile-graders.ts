import { graderName, type GraderConfig } from './grader-config.js';
import type { CompiledGrader, GradeEnv, GradeOutcome, GradeSubject, GraderVerdict } from './grader-types.js';
import { jsonSchema, jsonValid, toolCallMatch } from './json-graders.js';
import { modelGraded } from './judge-grader.js';
import { costCeiling, latencyCeiling, trismSafety } from './runtime-graders.js';
import { contains, exactMatch, notContains, numericTolerance, regex, stringSimilarity } from './text-graders.js';

/** A checked grader configuration, ready to run. */
export function compileGrader(config: GraderConfig): CompiledGrader {
  const common = { name: graderName(config), weight: config.weight };
  switch (config.type) {
    case 'exact_match':
      return exactMatch(config, common);
    case 'contains':
      return contains(config, common);
    case 'not_contains':
      return notContains(config, common);
    case 'regex':
      return regex(config, common);
    case 'json_valid':
      return jsonValid(config, common);
    case 'json_schema':
      return jsonSchema(config, common);
    case 'tool_call_match':
      return toolCallMatch(config, common);
    case 'numeric_tolerance':
      return numericTolerance(config, common);
    case 'string_similarity':
      return stringSimilarity(config, common);
    case 'model_graded':
      return modelGraded(config, common);
    case 'trism_safety':
      return trismSafety(config, common);
    case 'latency_ceiling':
      return latencyCeiling(config, common);
    case 'cost_ceiling':
      return costCeiling(config, common);
    default: {
      const unreachable: never = config;
      throw new Error(`unknown grader ${String((unreachable as { type: unknown }).type)}`);
    }
  }
}

/**
 * The graders of one suite, compiled once per run. A case's own graders replace suite graders of
 * the same name and add the others; each distinct override list is compiled once.
 */
export class GraderSet {
  readonly #suite: readonly CompiledGrader[];
  readonly #overrides = new Map<string, readonly CompiledGrader[]>();

  constructor(suiteGraders: readonly GraderConfig[]) {
    this.#suite = suiteGraders.map(compileGrader);
  }

  forCase(overrides: readonly GraderConfig[] | null | undefined): readonly CompiledGrader[] {
    if (!overrides || overrides.length === 0) return this.#suite;
    const key = JSON.stringify(overrides);
    let merged = this.#overrides.get(key);
    if (!merged) {
      const own = overrides.map(compileGrader);
      const names = new Set(own.map((g) => g.name));
      merged = [...this.#suite.filter((g) => !names.has(g.name)), ...own];
      this.#overrides.set(key, merged);
    }
    return merged;
  }
}

/** How one case was graded: weighted score, pass/fail, every verdict, and judge spend. */
export interface CaseGrade {
  readonly score: number;
  readonly passed: boolean;
  readonly verdicts: readonly GraderVerdict[];
  readonly judgeCostUsd: number;
}

/**
 * Weighted score Σ wᵢ·sᵢ / Σ wᵢ (the plain mean when every weight is 0). The case passes when
 * the score reaches the threshold and no vetoing grader (TRiSM safety) failed.
 */
export function combineVerdicts(graders: readonly CompiledGrader[], verdicts: readonly GraderVerdict[], passThreshold: number): { score: number; passed: boolean } {
  let weighted = 0;
  let weights = 0;
  let plain = 0;
  let vetoed = false;
  verdicts.forEach((v, i) => {
    const g = graders[i]!;
    weighted += g.weight * v.score;
    weights += g.weight;
    plain += v.score;
    if (g.vetoes && !v.passed) vetoed = true;
  });
  const raw = verdicts.length === 0 ? 0 : weights > 0 ? weighted / weights : plain / verdicts.length;
  // Rounded so that e.g. 0.7 computed as 0.69999999 still meets a 0.7 threshold.
  const score = Math.min(1, Math.max(0, Math.round(raw * 1e9) / 1e9));
  return { score, passed: !vetoed && score >= passThreshold };
}

/** Runs every grader on one answer (in order) and combines their verdicts. */
export async function gradeCase(graders: readonly CompiledGrader[], subject: GradeSubject, env: GradeEnv, passThreshold: number): Promise<CaseGrade> {
  const verdicts: GraderVerdict[] = [];
  let judgeCostUsd = 0;
  for (const g of graders) {
    let out: GraderVerdict | GradeOutcome = g.grade(subject, env) as GraderVerdict | GradeOutcome;
    if (out instanceof Promise) out = await out;
    if ('verdict' in out) {
      verdicts.push(out.verdict);
      judgeCostUsd += out.costUsd;
    } else {
      verdicts.push(out);
    }
  }
  return { ...combineVerdicts(graders, verdicts, passThreshold), verdicts, judgeCostUsd };
}
