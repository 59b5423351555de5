import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams, QueryParams } from '../core/operation-types.js';
import { pollUntil, type WaitOptions } from '../core/wait.js';
import type { CreateEvalRunRequest, EvalCaseResult, EvalComparison, EvalRun, EvalRunStatus } from '../generated/schemas.js';

const terminal = ['completed', 'failed', 'canceled', 'stopped'] as const satisfies readonly EvalRunStatus[];
/** A status after which an eval run no longer changes. */
export type EvalRunTerminalStatus = (typeof terminal)[number];
/** Statuses after which an eval run no longer changes. */
export const EVAL_RUN_TERMINAL_STATUSES: readonly EvalRunStatus[] = terminal;

/** Eval runs, their per-case results and comparisons. */
export class EvalRuns extends ApiResource {
  /**
   * Starts an eval run.
   * @example const run = await ftm.evalRuns.create({ eval_suite_id: suite.id, model: { type: 'base_model', value: 'gpt-4o-mini' } });
   */
  create(body: CreateEvalRunRequest, options?: RequestOptions): ApiPromise<EvalRun> {
    return this.client.request({ method: 'POST', path: '/eval-runs', body, options });
  }

  /**
   * Lists eval runs.
   * @example for await (const r of ftm.evalRuns.list({ status: 'completed' })) console.log(r.metrics);
   */
  list(params?: ListParams<'listEvalRuns'>, options?: RequestOptions): PagePromise<EvalRun> {
    return this.page('/eval-runs', params, options);
  }

  /**
   * Fetches one eval run.
   * @example const run = await ftm.evalRuns.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<EvalRun> {
    return this.client.request({ method: 'GET', path: `/eval-runs/${seg(id)}`, options });
  }

  /**
   * Cancels a queued or running eval run.
   * @example await ftm.evalRuns.cancel(id);
   */
  cancel(id: string, options?: RequestOptions): ApiPromise<EvalRun> {
    return this.client.request({ method: 'POST', path: `/eval-runs/${seg(id)}/cancel`, options });
  }

  /**
   * Lists per-case results.
   * @example for await (const r of ftm.evalRuns.listResults(id, { passed: false })) console.log(r.case_id);
   */
  listResults(id: string, params?: ListParams<'listEvalRunResults'>, options?: RequestOptions): PagePromise<EvalCaseResult> {
    return this.page(`/eval-runs/${seg(id)}/results`, params, options);
  }

  /**
   * Compares a run with a baseline run.
   * @example const diff = await ftm.evalRuns.compare(id, { baseline: baselineRunId });
   */
  compare(id: string, params: QueryParams<'compareEvalRuns'>, options?: RequestOptions): ApiPromise<EvalComparison> {
    return this.client.request({ method: 'GET', path: `/eval-runs/${seg(id)}/compare`, query: params, options });
  }

  /**
   * Polls until the run is `completed`, `failed`, `canceled` or `stopped`, and returns it.
   * @example const run = await ftm.evalRuns.waitUntilDone(id, { pollIntervalMs: 2_000 });
   */
  waitUntilDone(id: string, options?: WaitOptions): Promise<EvalRun> {
    return pollUntil(
      (signal) => this.get(id, { signal }),
      (run) => EVAL_RUN_TERMINAL_STATUSES.includes(run.status),
      options,
    );
  }
}
