import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { CreateModelVersionRequest, ModelVersion } from '../generated/schemas.js';

/** The model registry: candidate → approved → production → retired. */
export class ModelVersions extends ApiResource {
  /**
   * Registers a model version as `candidate`.
   * @example
   * const v = await ftm.modelVersions.create({ name: 'support-v3', provider: 'openai',
   *   provider_model_id: 'ft:gpt-4o-mini:acme::abc123', base_model: 'gpt-4o-mini' });
   */
  create(body: CreateModelVersionRequest, options?: RequestOptions): ApiPromise<ModelVersion> {
    return this.client.request({ method: 'POST', path: '/model-versions', body, options });
  }

  /**
   * Lists model versions, newest first.
   * @example for await (const v of ftm.modelVersions.list({ status: 'candidate' })) console.log(v.id);
   */
  list(params?: ListParams<'listModelVersions'>, options?: RequestOptions): PagePromise<ModelVersion> {
    return this.page('/model-versions', params, options);
  }

  /**
   * Fetches one model version.
   * @example const v = await ftm.modelVersions.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<ModelVersion> {
    return this.client.request({ method: 'GET', path: `/model-versions/${seg(id)}`, options });
  }

  /**
   * Approves a candidate.
   * @example await ftm.modelVersions.approve(id);
   */
  approve(id: string, options?: RequestOptions): ApiPromise<ModelVersion> {
    return this.client.request({ method: 'POST', path: `/model-versions/${seg(id)}/approve`, options });
  }

  /**
   * Retires a version (never deleted).
   * @example await ftm.modelVersions.retire(id);
   */
  retire(id: string, options?: RequestOptions): ApiPromise<ModelVersion> {
    return this.client.request({ method: 'POST', path: `/model-versions/${seg(id)}/retire`, options });
  }
}
