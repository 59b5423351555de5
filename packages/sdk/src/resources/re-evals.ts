import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { CreateReEvalRequest, ReEval } from '../generated/schemas.js';

/** Scheduled re-evals, regression detection and auto-rollback. */
export class ReEvals extends ApiResource {
  /**
   * Schedules a re-eval (cron or immediate).
   * @example await ftm.reEvals.create({ eval_suite_id: suite.id, target: { type: 'assistant', value: 'support' }, schedule: { type: 'cron', cron: '0 3 * * *' }, policy: { max_score_drop: 0.05 } });
   */
  create(body: CreateReEvalRequest, options?: RequestOptions): ApiPromise<ReEval> {
    return this.client.request({ method: 'POST', path: '/monitoring/re-evals', body, options });
  }

  /**
   * Lists re-evals.
   * @example for await (const r of ftm.reEvals.list({ status: 'active' })) console.log(r.id);
   */
  list(params?: ListParams<'listReEvals'>, options?: RequestOptions): PagePromise<ReEval> {
    return this.page('/monitoring/re-evals', params, options);
  }

  /**
   * Fetches one re-eval.
   * @example const r = await ftm.reEvals.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<ReEval> {
    return this.client.request({ method: 'GET', path: `/monitoring/re-evals/${seg(id)}`, options });
  }

  /**
   * Pauses a schedule.
   * @example await ftm.reEvals.pause(id);
   */
  pause(id: string, options?: RequestOptions): ApiPromise<ReEval> {
    return this.client.request({ method: 'POST', path: `/monitoring/re-evals/${seg(id)}/pause`, options });
  }

  /**
   * Resumes a paused schedule.
   * @example await ftm.reEvals.resume(id);
   */
  resume(id: string, options?: RequestOptions): ApiPromise<ReEval> {
    return this.client.request({ method: 'POST', path: `/monitoring/re-evals/${seg(id)}/resume`, options });
  }
}
