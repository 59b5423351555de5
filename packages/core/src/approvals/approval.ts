import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { ApprovalKind, ApprovalStatus, ApprovalsTable } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';

export type { ApprovalKind, ApprovalStatus } from '../db/schema.js';

/** The public shape of an approval (docs/openapi.yaml `Approval`). */
export interface Approval {
  readonly id: string;
  readonly project_id: string | null;
  readonly kind: ApprovalKind;
  readonly resource_type: ApprovalKind;
  readonly resource_id: string;
  readonly status: ApprovalStatus;
  readonly source: 'local' | 'prism';
  readonly prism_approval_id: string | null;
  readonly estimated_cost_usd: number | null;
  readonly reason: string;
  readonly requested_by: string;
  readonly decided_by: string | null;
  readonly decision_notes: string | null;
  readonly created_at: string;
  readonly decided_at: string | null;
}

/** Query of `GET /approvals`. */
export const ListApprovalsInput = PageParams.extend({
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
  kind: z.enum(['ft_job', 'promotion']).optional(),
  resource_id: z.uuid().optional(),
}).strict();
export type ListApprovalsInput = z.infer<typeof ListApprovalsInput>;

/** Body of `POST /approvals/{id}/approve|reject`. */
export const DecideApprovalInput = z.object({ notes: z.string().min(1).max(2000).optional() }).strict();
export type DecideApprovalInput = z.infer<typeof DecideApprovalInput>;

export type ApprovalRow = Selectable<ApprovalsTable>;

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/** Row → public shape: numeric strings become numbers, times RFC 3339. */
export function toApproval(row: ApprovalRow): Approval {
  return {
    id: row.id,
    project_id: row.project_id,
    kind: row.kind,
    resource_type: row.kind,
    resource_id: row.resource_id,
    status: row.status,
    source: row.remote_id ? 'prism' : 'local',
    prism_approval_id: row.remote_id,
    estimated_cost_usd: row.estimated_cost_usd === null ? null : Number(row.estimated_cost_usd),
    reason: row.reason ?? '',
    requested_by: row.requested_by,
    decided_by: row.decided_by,
    decision_notes: row.note,
    created_at: iso(row.created_at),
    decided_at: row.decided_at ? iso(row.decided_at) : null,
  };
}
