import type { Transaction } from 'kysely';
import type { DB, PointerChangeCause } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { transitionModelVersion } from '../registry/transition-model-version.js';
import { loadPointer } from './pointer-queries.js';
import type { PointerChangeBus } from './pointer-change-bus.js';
import { actorName, toPointerHistoryEntry, toProductionPointer, type PointerHistoryEntry, type PointerRow, type ProductionPointer } from './production-pointer.js';
import type { Target } from './target.js';

/** One move of a pointer: where to, why, and what to keep in history. */
export interface PointerMove {
  readonly target: Target;
  /** The project a pointer created by this move belongs to. */
  readonly projectId: string | null;
  readonly toModelVersionId: string;
  readonly cause: PointerChangeCause;
  readonly promotionId: string | null;
  readonly notes: string | null;
}

/** The pointer after a move, and the history line the move appended. */
export interface PointerMoved {
  readonly pointer: ProductionPointer;
  readonly entry: PointerHistoryEntry;
  readonly fromModelVersionId: string | null;
}

/**
 * Moves a pointer inside the caller's transaction, which must hold the target's lock
 * ({@link lockTarget}) and pass the row it locked (undefined: the pointer does not exist yet and
 * is created at version 1). Appends history line `seq = version`, makes the new version
 * `production` and the old one `approved` again unless another pointer still serves it, and
 * NOTIFYs the change bus. Events and audit rows of the cause are the caller's.
 */
export async function movePointer(trx: Transaction<DB>, ctx: ServiceContext, bus: PointerChangeBus, current: PointerRow | undefined, move: PointerMove): Promise<PointerMoved> {
  const to = await trx.selectFrom('model_versions').select(['id', 'status']).where('tenant_id', '=', ctx.tenantId).where('id', '=', move.toModelVersionId).forUpdate().executeTakeFirst();
  if (!to) throw new NotFoundError('model_version', move.toModelVersionId);
  if (to.status === 'retired') throw new ConflictError(`model version ${to.id} is retired and cannot serve`, 'model_version_retired', { model_version_id: to.id });
  const now = ctx.clock.now();
  const actor = actorName(ctx.actor);
  const from = current?.model_version_id ?? null;
  const pointerId = current?.id ?? ctx.ids.next();
  const version = current ? Number(current.version) + 1 : 1;
  if (current) {
    const moved = await trx
      .updateTable('production_pointers')
      .set({ model_version_id: to.id, version, updated_by: actor, updated_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', current.id)
      .where('version', '=', Number(current.version))
      .executeTakeFirst();
    // Cannot happen under lockTarget; a caller that skipped the lock finds out here, not in history.
    if (Number(moved.numUpdatedRows) !== 1) throw new ConflictError('the pointer moved meanwhile; try again', 'pointer_moved');
  } else {
    await trx
      .insertInto('production_pointers')
      .values({
        id: pointerId,
        tenant_id: ctx.tenantId,
        project_id: move.projectId,
        target_type: move.target.type,
        target_value: move.target.value,
        model_version_id: to.id,
        version,
        updated_by: actor,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const entry = await trx
    .insertInto('pointer_history')
    .values({
      id: ctx.ids.next(),
      tenant_id: ctx.tenantId,
      pointer_id: pointerId,
      seq: version,
      from_model_version_id: from,
      to_model_version_id: to.id,
      cause: move.cause,
      promotion_id: move.promotionId,
      actor,
      notes: move.notes,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();

  if (from !== to.id) {
    // Versions behind a pointer may belong to any project of the tenant, whoever moves it.
    const tenantWide: ServiceContext = { ...ctx, projectId: null };
    if (to.status !== 'production') await transitionModelVersion(trx, tenantWide, to.id, 'promote');
    if (from) await demoteUnlessServing(trx, tenantWide, from);
  }
  await bus.inTransaction(trx, { tenantId: ctx.tenantId });
  return { pointer: toProductionPointer(await loadPointer(trx, ctx.tenantId, pointerId), ctx.clock.now()), entry: toPointerHistoryEntry(entry), fromModelVersionId: from };
}

/** production → approved, unless another pointer of the tenant still serves the version. */
async function demoteUnlessServing(trx: Transaction<DB>, ctx: ServiceContext, modelVersionId: string): Promise<void> {
  const serving = await trx.selectFrom('production_pointers').select('id').where('tenant_id', '=', ctx.tenantId).where('model_version_id', '=', modelVersionId).limit(1).executeTakeFirst();
  if (serving) return;
  const row = await trx.selectFrom('model_versions').select('status').where('tenant_id', '=', ctx.tenantId).where('id', '=', modelVersionId).executeTakeFirst();
  if (row?.status === 'production') await transitionModelVersion(trx, ctx, modelVersionId, 'demote');
}
