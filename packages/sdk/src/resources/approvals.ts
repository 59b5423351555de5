import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { Approval, DecideApprovalRequest } from '../generated/schemas.js';

/** Pending cost and promotion approvals (local PRISM stand-in). */
export class Approvals extends ApiResource {
  /**
   * Lists approvals.
   * @example for await (const a of ftm.approvals.list({ status: 'pending' })) console.log(a.kind, a.resource_id);
   */
  list(params?: ListParams<'listApprovals'>, options?: RequestOptions): PagePromise<Approval> {
    return this.page('/approvals', params, options);
  }

  /**
   * Fetches one approval.
   * @example const a = await ftm.approvals.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<Approval> {
    return this.client.request({ method: 'GET', path: `/approvals/${seg(id)}`, options });
  }

  /**
   * Approves (admin); the waiting job or promotion proceeds.
   * @example await ftm.approvals.approve(id, { notes: 'budget ok' });
   */
  approve(id: string, body: DecideApprovalRequest = {}, options?: RequestOptions): ApiPromise<Approval> {
    return this.client.request({ method: 'POST', path: `/approvals/${seg(id)}/approve`, body, options });
  }

  /**
   * Rejects (admin); the waiting job or promotion is blocked.
   * @example await ftm.approvals.reject(id, { notes: 'too expensive' });
   */
  reject(id: string, body: DecideApprovalRequest = {}, options?: RequestOptions): ApiPromise<Approval> {
    return this.client.request({ method: 'POST', path: `/approvals/${seg(id)}/reject`, body, options });
  }
}
