import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { CreatePromotionRequest, Promotion, RollbackPromotionRequest } from '../generated/schemas.js';

/** Gated promotions of model versions to production pointers, and rollbacks. */
export class Promotions extends ApiResource {
  /**
   * Promotes a model version behind the gates (409 with `gates` when denied).
   * @example
   * const p = await ftm.promotions.create({ model_version_id: v.id, target: { type: 'assistant', value: 'support' }, min_eval_score: 0.8, notes: 'v3' });
   */
  create(body: CreatePromotionRequest, options?: RequestOptions): ApiPromise<Promotion> {
    return this.client.request({ method: 'POST', path: '/promotions', body, options });
  }

  /**
   * Lists promotions.
   * @example for await (const p of ftm.promotions.list({ decision: 'blocked' })) console.log(p.gates);
   */
  list(params?: ListParams<'listPromotions'>, options?: RequestOptions): PagePromise<Promotion> {
    return this.page('/promotions', params, options);
  }

  /**
   * Fetches one promotion.
   * @example const p = await ftm.promotions.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<Promotion> {
    return this.client.request({ method: 'GET', path: `/promotions/${seg(id)}`, options });
  }

  /**
   * Rolls the pointer back to the version it replaced.
   * @example await ftm.promotions.rollback(id, { notes: 'regression on refunds' });
   */
  rollback(id: string, body: RollbackPromotionRequest, options?: RequestOptions): ApiPromise<Promotion> {
    return this.client.request({ method: 'POST', path: `/promotions/${seg(id)}/rollback`, body, options });
  }
}
