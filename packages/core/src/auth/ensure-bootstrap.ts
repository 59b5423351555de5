import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { toApiKey, type CreatedApiKey } from './api-key.js';
import { generateApiKey } from './api-key-secret.js';
import { recordAudit } from '../audit/record-audit.js';

/** Fixed lock id: concurrent first starts serialise here so only one bootstrap happens. */
const BOOTSTRAP_LOCK_KEY = 7_311_204_651;

/** What {@link ensureBootstrap} did: on the very first start, the dev admin key (shown once). */
export type BootstrapResult = { readonly created: true; readonly tenantId: string; readonly projectId: string; readonly adminKey: CreatedApiKey } | { readonly created: false };

/**
 * On an empty database, creates the `default` tenant, its `default` project and an admin key;
 * on any later start (or a concurrent one) does nothing. `ctx` supplies clock, ids and actor;
 * its tenant fields are ignored.
 */
export async function ensureBootstrap(db: Kysely<DB>, ctx: Omit<ServiceContext, 'tenantId' | 'projectId'>): Promise<BootstrapResult> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`.execute(trx);
    const any = await trx.selectFrom('tenants').select('id').limit(1).executeTakeFirst();
    if (any) return { created: false } as const;
    const tenantId = ctx.ids.next();
    const projectId = ctx.ids.next();
    const now = ctx.clock.now();
    await trx.insertInto('tenants').values({ id: tenantId, name: 'default', created_at: now }).execute();
    await trx.insertInto('projects').values({ id: projectId, tenant_id: tenantId, name: 'default', created_at: now }).execute();
    const generated = generateApiKey();
    const row = await trx
      .insertInto('api_keys')
      .values({
        id: ctx.ids.next(),
        tenant_id: tenantId,
        project_id: null,
        name: 'dev admin key',
        role: 'admin',
        prefix: generated.displayPrefix,
        key_hash: generated.hash,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const scoped: ServiceContext = { ...ctx, tenantId, projectId: null };
    await recordAudit(trx, scoped, {
      action: 'tenant.bootstrap',
      resourceType: 'tenant',
      resourceId: tenantId,
      summary: `created the default tenant, project and dev admin key (${generated.displayPrefix}…)`,
    });
    return { created: true, tenantId, projectId, adminKey: { ...toApiKey(row), secret: generated.secret } } as const;
  });
}
