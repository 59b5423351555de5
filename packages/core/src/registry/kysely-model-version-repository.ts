import type { Kysely, Selectable } from 'kysely';
import type { DB, ModelVersionStatus, ModelVersionsTable } from '../db/schema.js';
import { isUuid } from '../shared/ids.js';

/** Which rows a caller may touch: always one tenant, and one project when the key is scoped. */
export interface RegistryScope {
  readonly tenantId: string;
  readonly projectId: string | null;
}

/** Columns written when a version is registered. */
export interface NewModelVersionRow {
  readonly id: string;
  readonly project_id: string | null;
  readonly name: string;
  readonly provider: string;
  readonly provider_model_id: string;
  readonly base_model: string;
  readonly status: ModelVersionStatus;
  readonly ft_job_id: string | null;
  readonly dataset_id: string | null;
  readonly estimated_cost_usd: number | null;
  readonly actual_cost_usd: number | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly created_by: string;
  readonly created_at: Date;
}

/** Filters of a list, already validated. */
export interface ModelVersionFilter {
  readonly projectId?: string;
  readonly status?: ModelVersionStatus;
  readonly baseModel?: string;
  /** Only ids strictly below this one (keyset pagination, newest first). */
  readonly beforeId?: string;
  readonly limit: number;
}

export type ModelVersionRow = Selectable<ModelVersionsTable>;

/** Kysely access to `model_versions`; every query is scoped, so another tenant's row is never seen. */
export const modelVersionRepository = {
  /** Inserts unless (tenant, provider, provider_model_id) exists; returns null on that conflict. */
  async insert(db: Kysely<DB>, tenantId: string, row: NewModelVersionRow): Promise<ModelVersionRow | null> {
    const inserted = await db
      .insertInto('model_versions')
      .values({
        ...row,
        tenant_id: tenantId,
        metadata: JSON.stringify(row.metadata),
        updated_at: row.created_at,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'provider', 'provider_model_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return inserted ?? null;
  },

  async findById(db: Kysely<DB>, scope: RegistryScope, id: string, options: { forUpdate?: boolean } = {}): Promise<ModelVersionRow | null> {
    if (!isUuid(id)) return null; // the uuid column would reject it with a database error
    let q = db.selectFrom('model_versions').selectAll().where('tenant_id', '=', scope.tenantId).where('id', '=', id);
    if (scope.projectId) q = q.where('project_id', '=', scope.projectId);
    if (options.forUpdate) q = q.forUpdate();
    return (await q.executeTakeFirst()) ?? null;
  },

  /** The rows of `ids` in scope (absent ids and non-UUIDs are skipped); for batched point reads. */
  async findManyByIds(db: Kysely<DB>, scope: RegistryScope, ids: readonly string[]): Promise<ModelVersionRow[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    let q = db.selectFrom('model_versions').selectAll().where('tenant_id', '=', scope.tenantId).where('id', 'in', valid);
    if (scope.projectId) q = q.where('project_id', '=', scope.projectId);
    return q.execute();
  },

  /** Up to `limit + 1` rows, newest first, so the caller can tell whether a next page exists. */
  async list(db: Kysely<DB>, scope: RegistryScope, filter: ModelVersionFilter): Promise<ModelVersionRow[]> {
    let q = db.selectFrom('model_versions').selectAll().where('tenant_id', '=', scope.tenantId);
    if (scope.projectId) q = q.where('project_id', '=', scope.projectId);
    if (filter.projectId) q = q.where('project_id', '=', filter.projectId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.baseModel) q = q.where('base_model', '=', filter.baseModel);
    if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
    return q
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
  },

  async updateStatus(db: Kysely<DB>, tenantId: string, id: string, status: ModelVersionStatus, at: Date): Promise<ModelVersionRow> {
    return db.updateTable('model_versions').set({ status, updated_at: at }).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  async projectExists(db: Kysely<DB>, tenantId: string, projectId: string): Promise<boolean> {
    const row = await db.selectFrom('projects').select('id').where('tenant_id', '=', tenantId).where('id', '=', projectId).executeTakeFirst();
    return row !== undefined;
  },
};
