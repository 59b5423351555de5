import type { CompletionRequest, RunnerMessage, RunnerToolCall } from '../../runners/model-runner.js';
import type { Sanitizer } from '../../sanitization/sanitizer.js';
import type { ModelRef } from '../model-ref.js';

/** What a grader judges: the model's answer to one case, and what the case expected. */
export interface GradeSubject {
  readonly input: readonly RunnerMessage[];
  readonly content: string | null;
  readonly toolCalls: readonly RunnerToolCall[];
  readonly expectedOutput: string | null;
  readonly expectedToolCall: { readonly name: string; readonly arguments?: Record<string, unknown> } | null;
  readonly jsonSchema: Record<string, unknown> | null;
  readonly latencyMs: number;
  /** Cost of the model call that produced the answer (USD). */
  readonly costUsd: number;
}

/** One grader's verdict on one case, with the reason a reader can act on. */
export interface GraderVerdict {
  readonly grader: string;
  readonly passed: boolean;
  readonly score: number;
  readonly reason: string;
}

/** The answer of a judge model and what the call cost. */
export interface JudgeAnswer {
  readonly content: string | null;
  readonly costUsd: number;
}

/** What graders may call: the TRiSM scanner and a judge model (cost counted by the caller). */
export interface GradeEnv {
  readonly sanitizer: Sanitizer;
  judge(model: ModelRef, request: CompletionRequest, signal?: AbortSignal): Promise<JudgeAnswer>;
  readonly signal?: AbortSignal;
}

/** A verdict and any cost grading it incurred (a judge call). */
export interface GradeOutcome {
  readonly verdict: GraderVerdict;
  readonly costUsd: number;
}

/** A grader ready to run: configuration checked and compiled once per run. */
export interface CompiledGrader {
  readonly name: string;
  readonly type: string;
  readonly weight: number;
  /** A failed verdict fails the case whatever its weighted score (TRiSM safety). */
  readonly vetoes: boolean;
  grade(subject: GradeSubject, env: GradeEnv): GraderVerdict | GradeOutcome | Promise<GraderVerdict | GradeOutcome>;
}

/** A verdict from a pass/fail test: score 1 or 0. */
export function binary(grader: string, passed: boolean, reason: string): GraderVerdict {
  return { grader, passed, score: passed ? 1 : 0, reason };
}
