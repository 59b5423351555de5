import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { movePointer } from '../pointers/move-pointer.js';
import type { PointerChangeBus } from '../pointers/pointer-change-bus.js';
import { recordPointerMove } from '../pointers/record-pointer-move.js';
import { actorName, type PointerRow } from '../pointers/production-pointer.js';
import type { Target } from '../pointers/target.js';
import { toPromotion, type Promotion } from './promotion.js';

/** A move of a pointer back to what served before a promotion (or another move) brought its version in. */
export interface PointerRollBack {
  readonly target: Target;
  readonly toModelVersionId: string;
  /** `rollback` (`POST /promotions/{id}/rollback`) or `auto_rollback` (a re-eval found a regression). */
  readonly cause: 'rollback' | 'auto_rollback';
  /** The promotion undone, marked rolled back; null when the version came in another way (an override). */
  readonly promotionId: string | null;
  readonly notes: string | null;
  /** The audit row's summary. */
  readonly summary: string;
}

/**
 * The one update a rollback makes, manual or automatic, inside the caller's transaction (which
 * holds the target's lock and passes the row it locked): moves the pointer back, marks the
 * promotion rolled back, and writes `model.rolled_back` with its audit row. Returns the promotion
 * as rolled back (null when there is none). Publishing on the bus after commit is the caller's.
 */
export async function rollBackPointer(
  trx: Transaction<DB>,
  ctx: ServiceContext,
  bus: PointerChangeBus,
  locked: PointerRow,
  rollBack: PointerRollBack & { readonly promotionId: string },
): Promise<Promotion>;
export async function rollBackPointer(trx: Transaction<DB>, ctx: ServiceContext, bus: PointerChangeBus, locked: PointerRow, rollBack: PointerRollBack): Promise<Promotion | null>;
export async function rollBackPointer(trx: Transaction<DB>, ctx: ServiceContext, bus: PointerChangeBus, locked: PointerRow, rollBack: PointerRollBack): Promise<Promotion | null> {
  const { target, toModelVersionId, cause, promotionId, notes, summary } = rollBack;
  const moved = await movePointer(trx, ctx, bus, locked, { target, projectId: locked.project_id, toModelVersionId, cause, promotionId, notes });
  let promotion: Promotion | null = null;
  if (promotionId) {
    const now = ctx.clock.now();
    const updated = await trx
      .updateTable('promotions')
      .set({ rolled_back_at: now, rolled_back_by: actorName(ctx.actor), updated_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', promotionId)
      .returningAll()
      .executeTakeFirstOrThrow();
    promotion = toPromotion(updated);
  }
  await recordPointerMove(trx, ctx, moved, { promotion }, summary);
  return promotion;
}
