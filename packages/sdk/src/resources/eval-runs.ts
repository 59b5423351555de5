import { ApiResource, seg } from '../core/api-resource.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { JsonBody, JsonResponse, ListItem, ListParams, QueryParams } from '../core/operation-types.js';
import { pollUntil, type WaitOptions } from '../core/wait.js';

/** Statuses after which an eval run no longer changes. */
export const EVAL_RUN_TERMINAL_STATUSES: readonly string[] = ['completed', 'failed', 'canceled', 'stopped'];

/** Eval runs, their per-case results and comparisons. */
export class EvalRuns extends ApiResource {
  /**
   * Starts an eval run.
   * @example const run = await ftm.evalRuns.create({ eval_suite_id: suite.id, model: { type: 'base_model', name: 'gpt-4o-mini' } });
   */
  create(body: JsonBody<'createEvalRun'>, options?: RequestOptions): Promise<JsonResponse<'createEvalRun'>> {
    return this.client.request({ method: 'POST', path: '/eval-runs', body, options });
  }

  /**
   * Lists eval runs.
   * @example for await (const r of ftm.evalRuns.list({ status: 'completed' })) console.log(r.metrics);
   */
  list(params?: ListParams<'listEvalRuns'>, options?: RequestOptions): PagePromise<ListItem<'listEvalRuns'>> {
    return this.page('/eval-runs', params, options);
  }

  /**
   * Fetches one eval run.
   * @example const run = await ftm.evalRuns.get(id);
   */
  get(id: string, options?: RequestOptions): Promise<JsonResponse<'getEvalRun'>> {
    return this.client.request({ method: 'GET', path: `/eval-runs/${seg(id)}`, options });
  }

  /**
   * Cancels a queued or running eval run.
   * @example await ftm.evalRuns.cancel(id);
   */
  cancel(id: string, options?: RequestOptions): Promise<JsonResponse<'cancelEvalRun'>> {
    return this.client.request({ method: 'POST', path: `/eval-runs/${seg(id)}/cancel`, options });
  }

  /**
   * Lists per-case results.
   * @example for await (const r of ftm.evalRuns.listResults(id, { passed: false })) console.log(r.case_id);
   */
  listResults(id: string, params?: ListParams<'listEvalRunResults'>, options?: RequestOptions): PagePromise<ListItem<'listEvalRunResults'>> {
    return this.page(`/eval-runs/${seg(id)}/results`, params, options);
  }

  /**
   * Compares a run with a baseline run.
   * @example const diff = await ftm.evalRuns.compare(id, { baseline: baselineRunId });
   */
  compare(id: string, params: QueryParams<'compareEvalRuns'>, options?: RequestOptions): Promise<JsonResponse<'compareEvalRuns'>> {
    return this.client.request({ method: 'GET', path: `/eval-runs/${seg(id)}/compare`, query: params, options });
  }

  /**
   * Polls until the run is `completed`, `failed`, `canceled` or `stopped`, and returns it.
   * @example const run = await ftm.evalRuns.waitUntilDone(id, { pollIntervalMs: 2_000 });
   */
  waitUntilDone(id: string, options?: WaitOptions): Promise<JsonResponse<'getEvalRun'>> {
    return pollUntil((signal) => this.get(id, { signal }), (run) => EVAL_RUN_TERMINAL_STATUSES.includes(run.status), options);
  }
}
