import { ApiResource, seg } from '../core/api-resource.js';
import { parseBody } from '../core/api-client.js';
import { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import { EtagCache } from '../core/etag-cache.js';
import { FtmError } from '../core/errors.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams, QueryParams } from '../core/operation-types.js';
import type { OverrideProductionPointerRequest, PointerHistoryEntry, ProductionPointer, ResolvedPointer } from '../generated/schemas.js';

/** Which model serves each target, its history, the hot resolve path and emergency overrides. */
export class ProductionPointers extends ApiResource {
  private readonly resolved = new EtagCache<ResolvedPointer>();

  /**
   * Lists pointers.
   * @example for await (const p of ftm.productionPointers.list({ target_type: 'assistant' })) console.log(p.target);
   */
  list(params?: ListParams<'listProductionPointers'>, options?: RequestOptions): PagePromise<ProductionPointer> {
    return this.page('/production-pointers', params, options);
  }

  /**
   * Resolves which model serves a target now (assistant → project → global). Answers are cached
   * by ETag: repeated calls send If-None-Match and reuse the cached value on 304.
   * @example
   * const { provider_model_id } = await ftm.productionPointers.resolve({ assistant: 'support', project: projectId });
   */
  resolve(params: QueryParams<'resolveProductionPointer'>, options?: RequestOptions): ApiPromise<ResolvedPointer> {
    const key = JSON.stringify([params.assistant ?? null, params.project ?? null]);
    const cached = this.resolved.get(key);
    const response = this.client.send({
      method: 'GET',
      path: '/production-pointers/resolve',
      query: params,
      headers: cached ? { 'if-none-match': cached.etag } : {},
      options,
    });
    return new ApiPromise(response, async (res) => {
      if (res.status === 304) {
        // A copy, so the request id of this answer does not land on the cached object.
        if (cached) return { ...cached.value };
        throw new FtmError('The server answered 304 Not Modified to a request without If-None-Match.');
      }
      const data = (await parseBody(res)) as ResolvedPointer;
      const etag = res.headers.get('etag');
      if (etag) this.resolved.set(key, etag, { ...data });
      else this.resolved.delete(key);
      return data;
    });
  }

  /**
   * Fetches one pointer.
   * @example const p = await ftm.productionPointers.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<ProductionPointer> {
    return this.client.request({ method: 'GET', path: `/production-pointers/${seg(id)}`, options });
  }

  /**
   * Admin emergency override: points the target at another version (notes required, audited).
   * @example await ftm.productionPointers.override(id, { model_version_id: previous.id, notes: 'incident 42' });
   */
  override(id: string, body: OverrideProductionPointerRequest, options?: RequestOptions): ApiPromise<ProductionPointer> {
    return this.client.request({ method: 'PATCH', path: `/production-pointers/${seg(id)}`, body, options });
  }

  /**
   * Lists a pointer's history, newest first.
   * @example for await (const h of ftm.productionPointers.history(id)) console.log(h.seq, h.to_model_version_id);
   */
  history(id: string, params?: ListParams<'listProductionPointerHistory'>, options?: RequestOptions): PagePromise<PointerHistoryEntry> {
    return this.page(`/production-pointers/${seg(id)}/history`, params, options);
  }
}
