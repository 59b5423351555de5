import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { ApiKey, ApiKeyWithSecret, CreateApiKeyRequest } from '../generated/schemas.js';

/** Tenant-scoped API keys (admin only). */
export class ApiKeys extends ApiResource {
  /**
   * Creates a key; the secret is in the answer only this once.
   * @example const { secret } = await ftm.apiKeys.create({ name: 'ci', role: 'member' });
   */
  create(body: CreateApiKeyRequest, options?: RequestOptions): ApiPromise<ApiKeyWithSecret> {
    return this.client.request({ method: 'POST', path: '/api-keys', body, options });
  }

  /**
   * Lists keys (never their secrets).
   * @example for await (const key of ftm.apiKeys.list({ include_revoked: true })) console.log(key.prefix);
   */
  list(params?: ListParams<'listApiKeys'>, options?: RequestOptions): PagePromise<ApiKey> {
    return this.page('/api-keys', params, options);
  }

  /**
   * Revokes a key at once.
   * @example await ftm.apiKeys.revoke(keyId);
   */
  revoke(id: string, options?: RequestOptions): ApiPromise<ApiKey> {
    return this.client.request({ method: 'POST', path: `/api-keys/${seg(id)}/revoke`, options });
  }
}
