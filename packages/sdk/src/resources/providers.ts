import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams, QueryParams } from '../core/operation-types.js';
import type { Provider, ProviderCredentialInfo, SetProviderCredentialRequest } from '../generated/schemas.js';

/** Model providers (capabilities, prices, retirement dates) and the credentials tenants store for them. */
export class Providers extends ApiResource {
  /**
   * Lists every provider: what it trains, at what price, until when, and whether your scope can use it.
   * @example for await (const p of ftm.providers.list()) console.log(p.name, p.configured, p.retirement?.new_jobs_end_on);
   */
  list(params?: ListParams<'listProviders'>, options?: RequestOptions): PagePromise<Provider> {
    // One page holds every provider; the listing still iterates like every other list.
    return this.page('/providers', { ...params, cursor: null }, options);
  }

  /**
   * Lists which scopes (tenant, projects) have a stored credential for a provider; never the keys. Admin only.
   * @example for await (const c of ftm.providers.listCredentials('together')) console.log(c.scope, c.project_id);
   */
  listCredentials(provider: string, params?: ListParams<'listProviderCredentials'>, options?: RequestOptions): PagePromise<ProviderCredentialInfo> {
    return this.page(`/providers/${seg(provider)}/credentials`, params, options);
  }

  /**
   * Stores or replaces the tenant's (or, with `project_id`, a project's) credential for a provider. Admin only.
   * @example await ftm.providers.setCredential('together', { api_key: process.env.TOGETHER_API_KEY!, project_id: projectId });
   */
  setCredential(provider: string, body: SetProviderCredentialRequest, options?: RequestOptions): ApiPromise<ProviderCredentialInfo> {
    return this.client.request({ method: 'PUT', path: `/providers/${seg(provider)}/credentials`, body, options });
  }

  /**
   * Deletes the tenant's (or, with `project_id`, a project's) credential for a provider. Admin only.
   * @example await ftm.providers.deleteCredential('openai', { project_id: projectId });
   */
  deleteCredential(provider: string, params?: QueryParams<'deleteProviderCredential'>, options?: RequestOptions): ApiPromise<void> {
    return this.client.request({ method: 'DELETE', path: `/providers/${seg(provider)}/credentials`, query: params, options });
  }
}
