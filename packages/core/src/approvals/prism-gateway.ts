import type { ApprovalKind, ApprovalStatus } from './approval.js';

/** What is sent to PRISM when an action needs a cost approval. */
export interface PrismApprovalRequest {
  /** Our approval id: PRISM's Idempotency-Key, so a retried request opens one approval. */
  readonly approvalId: string;
  readonly kind: ApprovalKind;
  readonly tenantId: string;
  readonly projectId: string | null;
  readonly resourceId: string;
  readonly estimatedCostUsd: number | null;
  readonly reason: string;
}

/** PRISM's view of one approval. */
export interface PrismApproval {
  readonly id: string;
  readonly status: ApprovalStatus;
}

/**
 * The PRISM port: the customer's cost-approval authority. Absent (null) means the local flow, where
 * an admin decides through `POST /approvals/{id}/approve|reject`.
 */
export interface PrismGateway {
  request(input: PrismApprovalRequest): Promise<PrismApproval>;
  get(remoteId: string): Promise<PrismApproval>;
}
