import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import type { PointerRow, PointerWithModelRow } from './production-pointer.js';
import type { Target } from './target.js';

type Db = Kysely<DB> | Transaction<DB>;

/** Pointers joined with the version they serve (provider fields), as the API shows them. */
export function pointersWithModel(db: Db) {
  return db
    .selectFrom('production_pointers as p')
    .innerJoin('model_versions as m', (j) => j.onRef('m.tenant_id', '=', 'p.tenant_id').onRef('m.id', '=', 'p.model_version_id'))
    .selectAll('p')
    .select(['m.provider', 'm.provider_model_id', 'm.base_model']);
}

/**
 * The pointers a caller sees, with their serving model: the tenant's, and for a project-scoped key
 * only those of its project or of no project (global ones), since those serve it too.
 */
export function visiblePointers(db: Db, ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>) {
  const q = pointersWithModel(db).where('p.tenant_id', '=', ctx.tenantId);
  const projectId = ctx.projectId;
  return projectId ? q.where((eb) => eb.or([eb('p.project_id', '=', projectId), eb('p.project_id', 'is', null)])) : q;
}

/** The pointer (with its serving model) the caller may see, or NotFoundError. */
export async function findPointer(db: Db, ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>, id: string): Promise<PointerWithModelRow> {
  if (!isUuid(id)) throw new NotFoundError('production_pointer', id);
  const row = await visiblePointers(db, ctx).where('p.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('production_pointer', id);
  return row;
}

/** A pointer with its serving model, by id, inside a transaction (after a move). */
export async function loadPointer(trx: Db, tenantId: string, id: string): Promise<PointerWithModelRow> {
  return pointersWithModel(trx).where('p.tenant_id', '=', tenantId).where('p.id', '=', id).executeTakeFirstOrThrow();
}

/**
 * Serialises every change to one target for the rest of the transaction, whether or not its
 * pointer exists yet (a row lock cannot guard a row that is not there): a transaction-scoped
 * advisory lock on the target, then the row itself FOR UPDATE. Everything that moves a pointer
 * goes through here, so two first promotions cannot both create it and history never forks.
 */
export async function lockTarget(trx: Transaction<DB>, tenantId: string, target: Target): Promise<PointerRow | undefined> {
  const key = `ftm.pointer:${tenantId}:${target.type}:${target.value}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  return trx
    .selectFrom('production_pointers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('target_type', '=', target.type)
    .where('target_value', '=', target.value)
    .forUpdate()
    .executeTakeFirst();
}
