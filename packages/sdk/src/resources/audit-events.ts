import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { AuditEvent } from '../generated/schemas.js';

/** The audit trail of every state change. */
export class AuditEvents extends ApiResource {
  /**
   * Lists audit events, newest first.
   * @example for await (const a of ftm.auditEvents.list({ resource_type: 'promotion' })) console.log(a.summary);
   */
  list(params?: ListParams<'listAuditEvents'>, options?: RequestOptions): PagePromise<AuditEvent> {
    return this.page('/audit-events', params, options);
  }

  /**
   * Fetches one audit event.
   * @example const a = await ftm.auditEvents.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<AuditEvent> {
    return this.client.request({ method: 'GET', path: `/audit-events/${seg(id)}`, options });
  }
}
