import { ApiResource } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams, QueryParams } from '../core/operation-types.js';
import type { LangfuseCredentialInfo, SetLangfuseCredentialRequest } from '../generated/schemas.js';

/** Langfuse key pairs that `langfuse` datasets read with (per tenant, or per project). */
export class Langfuse extends ApiResource {
  /**
   * Lists which scopes (tenant, projects) have a stored Langfuse key pair; never the keys. Admin only.
   * @example for await (const c of ftm.langfuse.listCredentials()) console.log(c.scope, c.project_id);
   */
  listCredentials(params?: ListParams<'listLangfuseCredentials'>, options?: RequestOptions): PagePromise<LangfuseCredentialInfo> {
    return this.page('/integrations/langfuse/credentials', params, options);
  }

  /**
   * Stores or replaces the tenant's (or, with `project_id`, a project's) Langfuse key pair and base URL. Admin only.
   * @example await ftm.langfuse.setCredential({ public_key: 'pk-lf-…', secret_key: process.env.LANGFUSE_SECRET_KEY!, base_url: 'https://us.cloud.langfuse.com' });
   */
  setCredential(body: SetLangfuseCredentialRequest, options?: RequestOptions): ApiPromise<LangfuseCredentialInfo> {
    return this.client.request({ method: 'PUT', path: '/integrations/langfuse/credentials', body, options });
  }

  /**
   * Deletes the tenant's (or, with `project_id`, a project's) Langfuse key pair. Admin only.
   * @example await ftm.langfuse.deleteCredential({ project_id: projectId });
   */
  deleteCredential(params?: QueryParams<'deleteLangfuseCredential'>, options?: RequestOptions): ApiPromise<void> {
    return this.client.request({ method: 'DELETE', path: '/integrations/langfuse/credentials', query: params, options });
  }
}
