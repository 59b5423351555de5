import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { generateApiKey } from '../auth/api-key-secret.js';
import { toApiKey } from '../auth/api-key.js';
import { toProject } from '../auth/project.js';
import { CreateTenantInput, toTenant, type CreatedTenant } from './tenant.js';

// Creations serialise here, so two creates of one name cannot both pass the uniqueness check.
const TENANT_CREATE_LOCK_KEY = 7_311_204_652;

/**
 * `POST /tenants` (operator) and `ftm tenants create`: one transaction creates the tenant, its
 * `default` project and its first admin key, with a `tenant.created` event and an audit row. A
 * name already taken is 409 `tenant_exists` naming the tenant: the admin key's secret is shown
 * once, so a retried create answers with the id instead of a second key. `ctx` supplies the
 * clock, ids, actor and request id; its tenant fields are ignored.
 */
export async function createTenant(db: Kysely<DB>, ctx: Omit<ServiceContext, 'tenantId' | 'projectId'>, body: unknown): Promise<CreatedTenant> {
  const input = parseInput(CreateTenantInput, body);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${TENANT_CREATE_LOCK_KEY})`.execute(trx);
    const existing = await trx.selectFrom('tenants').select('id').where('name', '=', input.name).orderBy('created_at').executeTakeFirst();
    if (existing) throw new ConflictError(`a tenant named ${JSON.stringify(input.name)} exists`, 'tenant_exists', { tenant_id: existing.id });
    const now = ctx.clock.now();
    const tenantRow = await trx.insertInto('tenants').values({ id: ctx.ids.next(), name: input.name, created_at: now }).returningAll().executeTakeFirstOrThrow();
    const projectRow = await trx.insertInto('projects').values({ id: ctx.ids.next(), tenant_id: tenantRow.id, name: 'default', created_at: now }).returningAll().executeTakeFirstOrThrow();
    const generated = generateApiKey();
    const keyRow = await trx
      .insertInto('api_keys')
      .values({
        id: ctx.ids.next(),
        tenant_id: tenantRow.id,
        project_id: null,
        name: input.admin_key_name ?? 'admin',
        role: 'admin',
        prefix: generated.displayPrefix,
        key_hash: generated.hash,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const tenant = toTenant(tenantRow);
    const scoped: ServiceContext = { ...ctx, tenantId: tenant.id, projectId: null };
    await recordEvent(trx, scoped, { type: 'tenant.created', resourceType: 'tenant', resourceId: tenant.id, projectId: null, payload: { tenant } });
    await recordAudit(trx, scoped, {
      action: 'tenant.create',
      resourceType: 'tenant',
      resourceId: tenant.id,
      summary: `created tenant ${tenant.name} with its default project and admin key (${generated.displayPrefix}…)`,
    });
    return { tenant, project: toProject(projectRow), admin_key: { ...toApiKey(keyRow), secret: generated.secret } };
  });
}
