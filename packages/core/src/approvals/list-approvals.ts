import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListApprovalsInput, toApproval, type Approval } from './approval.js';
import type { ApprovalDeps } from './approval-deps.js';

/** `GET /approvals`: newest first, filtered by status, kind and resource, keyset-paginated. */
export async function listApprovals(deps: Pick<ApprovalDeps, 'db'>, ctx: ServiceContext, input: unknown): Promise<Page<Approval>> {
  const q = parseInput(ListApprovalsInput, input ?? {}, 'approval list query');
  let query = deps.db.selectFrom('approvals').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ctx.projectId) query = query.where('project_id', '=', ctx.projectId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.resource_id) query = query.where('resource_id', '=', q.resource_id);
  if (q.cursor) query = query.where('id', '<', decodeIdCursor(q.cursor));
  const rows = await query
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  return toIdPage(rows, q.limit, toApproval);
}
