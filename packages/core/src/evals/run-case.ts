import { DependencyUnavailableError, FtmError, RateLimitedError } from '../shared/errors.js';
import { backoffMs } from '../shared/backoff.js';
import { inferenceCostUsd, roundUsd, type InferencePriceTable } from '../runners/inference-prices.js';
import type { CompletionParams, ModelRunner, RunnerMessage, RunnerModel, RunnerToolCall } from '../runners/model-runner.js';
import { gradeCase, type GraderSet } from './graders/compile-graders.js';
import type { GraderConfig } from './graders/grader-config.js';
import type { GradeEnv, GraderVerdict } from './graders/grader-types.js';

/** One case as the engine runs it. */
export interface CaseSpec {
  readonly id: string;
  readonly tags: readonly string[];
  readonly messages: readonly RunnerMessage[];
  readonly tools?: readonly Record<string, unknown>[];
  readonly expectedOutput: string | null;
  readonly expectedToolCall: { readonly name: string; readonly arguments?: Record<string, unknown> } | null;
  readonly jsonSchema: Record<string, unknown> | null;
  readonly graders: readonly GraderConfig[] | null;
}

/** A finished case, as stored in eval_case_results. */
export interface CaseResultRecord {
  readonly caseId: string;
  readonly tags: readonly string[];
  readonly passed: boolean;
  readonly score: number;
  readonly verdicts: readonly GraderVerdict[];
  readonly output: { readonly content: string | null; readonly tool_calls: readonly RunnerToolCall[] } | null;
  readonly error: string | null;
  readonly latencyMs: number | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Model call and judge together. */
  readonly costUsd: number;
  readonly judgeCostUsd: number;
}

/** What running a case needs, fixed for the whole run. */
export interface CaseRunContext {
  readonly runner: ModelRunner;
  readonly model: RunnerModel;
  readonly params: CompletionParams;
  readonly graders: GraderSet;
  readonly passThreshold: number;
  readonly env: GradeEnv;
  readonly prices: InferencePriceTable;
  readonly attempts: number;
  readonly retryBaseMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
}

const MAX_RATE_LIMIT_WAIT_MS = 30_000;

const isTransient = (error: unknown): boolean => error instanceof DependencyUnavailableError || error instanceof RateLimitedError;

/**
 * Calls the model (retrying outages and rate limits), prices the call, and grades the answer. A
 * call that still fails is a failed case with its reason, scored 0. Returns null when the run is
 * aborted before the case finished: such a case is not done and runs again on resume.
 */
export async function runCase(spec: CaseSpec, rc: CaseRunContext): Promise<CaseResultRecord | null> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= rc.attempts; attempt++) {
    if (rc.signal?.aborted) return null;
    try {
      const completion = await rc.runner.complete(rc.model, { messages: spec.messages, ...(spec.tools ? { tools: spec.tools } : {}), params: rc.params }, rc.signal ? { signal: rc.signal } : {});
      // A call that came back is kept even if the run is being interrupted: it was billed.
      const priced = inferenceCostUsd(rc.prices, completion.model, completion.usage);
      const modelCost = priced > 0 ? priced : inferenceCostUsd(rc.prices, rc.model.id, completion.usage);
      const grade = await gradeCase(
        rc.graders.forCase(spec.graders),
        {
          input: spec.messages,
          content: completion.content,
          toolCalls: completion.toolCalls,
          expectedOutput: spec.expectedOutput,
          expectedToolCall: spec.expectedToolCall,
          jsonSchema: spec.jsonSchema,
          latencyMs: completion.latencyMs,
          costUsd: modelCost,
        },
        rc.env,
        rc.passThreshold,
      );
      return {
        caseId: spec.id,
        tags: spec.tags,
        passed: grade.passed,
        score: grade.score,
        verdicts: grade.verdicts,
        output: { content: completion.content, tool_calls: completion.toolCalls },
        error: null,
        latencyMs: Math.round(completion.latencyMs),
        inputTokens: completion.usage.inputTokens,
        outputTokens: completion.usage.outputTokens,
        costUsd: roundUsd(modelCost + grade.judgeCostUsd),
        judgeCostUsd: roundUsd(grade.judgeCostUsd),
      };
    } catch (error) {
      if (rc.signal?.aborted) return null;
      lastError = error;
      if (!isTransient(error) || attempt === rc.attempts) break;
      const wait = error instanceof RateLimitedError ? Math.min(MAX_RATE_LIMIT_WAIT_MS, error.retryAfterSec * 1000) : backoffMs(attempt, { baseMs: rc.retryBaseMs, maxMs: rc.retryBaseMs * 16 });
      await rc.sleep(wait);
    }
  }
  const reason = lastError instanceof FtmError ? lastError.message.slice(0, 500) : 'the model call failed unexpectedly';
  return {
    caseId: spec.id,
    tags: spec.tags,
    passed: false,
    score: 0,
    verdicts: [],
    output: null,
    error: reason,
    latencyMs: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    judgeCostUsd: 0,
  };
}
