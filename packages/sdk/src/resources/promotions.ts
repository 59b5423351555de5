import { ApiResource, seg } from '../core/api-resource.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { JsonBody, JsonResponse, ListItem, ListParams } from '../core/operation-types.js';

/** Gated promotions of model versions to production pointers, and rollbacks. */
export class Promotions extends ApiResource {
  /**
   * Promotes a model version behind the gates (409 with `gates` when denied).
   * @example
   * const p = await ftm.promotions.create({ model_version_id: v.id, target: { type: 'assistant', value: 'support' }, notes: 'v3' });
   */
  create(body: JsonBody<'createPromotion'>, options?: RequestOptions): Promise<JsonResponse<'createPromotion'>> {
    return this.client.request({ method: 'POST', path: '/promotions', body, options });
  }

  /**
   * Lists promotions.
   * @example for await (const p of ftm.promotions.list({ decision: 'denied' })) console.log(p.gates);
   */
  list(params?: ListParams<'listPromotions'>, options?: RequestOptions): PagePromise<ListItem<'listPromotions'>> {
    return this.page('/promotions', params, options);
  }

  /**
   * Fetches one promotion.
   * @example const p = await ftm.promotions.get(id);
   */
  get(id: string, options?: RequestOptions): Promise<JsonResponse<'getPromotion'>> {
    return this.client.request({ method: 'GET', path: `/promotions/${seg(id)}`, options });
  }

  /**
   * Rolls the pointer back to the version it replaced.
   * @example await ftm.promotions.rollback(id, { reason: 'regression on refunds' });
   */
  rollback(id: string, body: JsonBody<'rollbackPromotion'>, options?: RequestOptions): Promise<JsonResponse<'rollbackPromotion'>> {
    return this.client.request({ method: 'POST', path: `/promotions/${seg(id)}/rollback`, body, options });
  }
}
