import { ApiResource } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { CreatedTenant, CreateTenantRequest, Tenant } from '../generated/schemas.js';

/** Tenants (operator routes): the client's key must be the server's `FTM_OPERATOR_TOKEN`, not an API key. */
export class Tenants extends ApiResource {
  /**
   * Creates a tenant with its default project and first admin key (the secret is in this answer only).
   * @example const { tenant, admin_key } = await new Ftm({ apiKey: process.env.FTM_OPERATOR_TOKEN }).tenants.create({ name: 'acme' });
   */
  create(body: CreateTenantRequest, options?: RequestOptions): ApiPromise<CreatedTenant> {
    return this.client.request({ method: 'POST', path: '/tenants', body, options });
  }

  /**
   * Lists tenants, newest first.
   * @example for await (const t of ftm.tenants.list()) console.log(t.name);
   */
  list(params?: ListParams<'listTenants'>, options?: RequestOptions): PagePromise<Tenant> {
    return this.page('/tenants', params, options);
  }
}
