import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { lockTarget } from '../pointers/pointer-queries.js';
import type { PointerChangeBus } from '../pointers/pointer-change-bus.js';
import type { Target } from '../pointers/target.js';
import { rollBackPointer } from '../promotions/roll-back-pointer.js';

/** Why an auto-rollback did or did not move the pointer. */
export type AutoRollbackOutcome = { readonly rolledBack: true; readonly toModelVersionId: string } | { readonly rolledBack: false; readonly reason: string };

/**
 * Inside the caller's transaction: if the target still serves `regressedVersionId`, moves it back
 * to what it served before (the promotion's previous version, else the history line that brought
 * the regressed version in), cause `auto_rollback`, marks that promotion rolled back, and writes
 * `model.rolled_back`. Anything else — moved on meanwhile, nothing before it, a retired
 * predecessor — is skipped with the reason.
 */
export async function autoRollback(trx: Transaction<DB>, ctx: ServiceContext, bus: PointerChangeBus, target: Target, regressedVersionId: string, notes: string): Promise<AutoRollbackOutcome> {
  const locked = await lockTarget(trx, ctx.tenantId, target);
  if (!locked || locked.model_version_id !== regressedVersionId) return { rolledBack: false, reason: 'the target no longer serves the regressed version' };
  const promotion = await trx
    .selectFrom('promotions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('pointer_id', '=', locked.id)
    .where('model_version_id', '=', regressedVersionId)
    .where('decision', '=', 'promoted')
    .where('rolled_back_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  const lastMove = await trx
    .selectFrom('pointer_history')
    .select(['from_model_version_id'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('pointer_id', '=', locked.id)
    .where('to_model_version_id', '=', regressedVersionId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const previous = promotion?.previous_model_version_id ?? lastMove?.from_model_version_id ?? null;
  if (!previous || previous === regressedVersionId) return { rolledBack: false, reason: 'nothing served the target before this version' };
  const status = await trx.selectFrom('model_versions').select('status').where('tenant_id', '=', ctx.tenantId).where('id', '=', previous).executeTakeFirst();
  if (!status || status.status === 'retired') return { rolledBack: false, reason: `the previous version ${previous} is retired` };

  await rollBackPointer(trx, ctx, bus, locked, {
    target,
    toModelVersionId: previous,
    cause: 'auto_rollback',
    promotionId: promotion?.id ?? null,
    notes,
    summary: `auto-rollback of ${target.type} ${target.value} from ${regressedVersionId} to ${previous}: ${notes}`,
  });
  return { rolledBack: true, toModelVersionId: previous };
}
