import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { toApproval, type Approval, type ApprovalRow } from './approval.js';
import type { ApprovalDeps } from './approval-deps.js';

/** The tenant's approval row (within the caller's project when its key is project-scoped), or NotFoundError. */
export async function findApprovalRow(db: Kysely<DB> | Transaction<DB>, ctx: ServiceContext, id: string, forUpdate = false): Promise<ApprovalRow> {
  if (!isUuid(id)) throw new NotFoundError('approval', id);
  let query = db.selectFrom('approvals').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) query = query.where('project_id', '=', ctx.projectId);
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  if (!row) throw new NotFoundError('approval', id);
  return row;
}

/** `GET /approvals/{id}`. */
export async function getApproval(deps: Pick<ApprovalDeps, 'db'>, ctx: ServiceContext, id: string): Promise<Approval> {
  return toApproval(await findApprovalRow(deps.db, ctx, id));
}
