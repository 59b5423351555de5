import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * Makes sure a tenant (and project) that an external authority vouched for exists locally, so
 * tenant-scoped rows can reference it. Idempotent and safe under concurrency.
 */
export async function ensureTenant(db: Kysely<DB>, tenantId: string, projectId: string | null, now: Date): Promise<void> {
  await db
    .insertInto('tenants')
    .values({ id: tenantId, name: tenantId, created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  if (projectId) {
    await db
      .insertInto('projects')
      .values({ id: projectId, tenant_id: tenantId, name: projectId, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
