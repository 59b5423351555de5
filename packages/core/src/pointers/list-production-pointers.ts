import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { findPointer, visiblePointers } from './pointer-queries.js';
import { ListPointerHistoryInput, ListProductionPointersInput, toPointerHistoryEntry, toProductionPointer, type PointerHistoryEntry, type ProductionPointer } from './production-pointer.js';

/** `GET /production-pointers`: newest first, filtered by target type and value. */
export async function listProductionPointers(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<ProductionPointer>> {
  const q = parseInput(ListProductionPointersInput, query ?? {}, 'pointer list query');
  let rows = visiblePointers(db, ctx);
  if (q.target_type) rows = rows.where('p.target_type', '=', q.target_type);
  if (q.target_value) rows = rows.where('p.target_value', '=', q.target_value);
  if (q.cursor) rows = rows.where('p.id', '<', decodeIdCursor(q.cursor));
  return toIdPage(
    await rows
      .orderBy('p.id', 'desc')
      .limit(q.limit + 1)
      .execute(),
    q.limit,
    (row) => toProductionPointer(row, ctx.clock.now()),
  );
}

/** `GET /production-pointers/{id}`. */
export async function getProductionPointer(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ProductionPointer> {
  return toProductionPointer(await findPointer(db, ctx, id), ctx.clock.now());
}

/** `GET /production-pointers/{id}/history`: newest first (highest seq), keyset-paginated. */
export async function listPointerHistory(db: Kysely<DB>, ctx: ServiceContext, id: string, query: unknown): Promise<Page<PointerHistoryEntry>> {
  const q = parseInput(ListPointerHistoryInput, query ?? {}, 'history query');
  const pointer = await findPointer(db, ctx, id);
  let rows = db.selectFrom('pointer_history').selectAll().where('tenant_id', '=', ctx.tenantId).where('pointer_id', '=', pointer.id);
  // The cursor names the last entry seen; the page continues below its seq (ids from several
  // processes need not sort like seq).
  if (q.cursor) {
    const after = decodeIdCursor(q.cursor);
    rows = rows.where('seq', '<', (eb) => eb.selectFrom('pointer_history').select('seq').where('tenant_id', '=', ctx.tenantId).where('pointer_id', '=', pointer.id).where('id', '=', after));
  }
  return toIdPage(
    await rows
      .orderBy('seq', 'desc')
      .limit(q.limit + 1)
      .execute(),
    q.limit,
    toPointerHistoryEntry,
  );
}
