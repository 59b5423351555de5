/**
 * Small shared test helpers: seed a tenant with a project, and build a ServiceContext whose clock
 * only moves when the test says so.
 */
import type { Kysely } from 'kysely';
import { ManualClock, silentLogger, uuidv7, uuidv7Generator, type Actor, type DB, type FtmDatabase, type Role, type ServiceContext } from '@ftm/core';

/** A freshly seeded tenant and its first project. */
export interface SeededTenant {
  readonly tenantId: string;
  readonly projectId: string;
}

/** Inserts a tenant (named `name`, or a unique name) with one project called `default`. */
export async function seedTenant(db: Kysely<DB> | FtmDatabase, name?: string): Promise<SeededTenant> {
  const kysely = 'migrate' in db ? db.db : db;
  const tenantId = uuidv7();
  const projectId = uuidv7();
  await kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('tenants')
      .values({ id: tenantId, name: name ?? `tenant-${tenantId}` })
      .execute();
    await trx.insertInto('projects').values({ id: projectId, tenant_id: tenantId, name: 'default' }).execute();
  });
  return { tenantId, projectId };
}

/** A ServiceContext for tests; `clock` is a ManualClock the test can advance. */
export interface TestServiceContext extends ServiceContext {
  readonly clock: ManualClock;
}

/** Options of {@link testContext}. */
export interface TestContextOptions {
  readonly tenantId: string;
  readonly projectId?: string | null;
  readonly role?: Role;
  readonly actor?: Partial<Actor>;
  readonly clock?: ManualClock;
  readonly requestId?: string;
}

/** Builds a ServiceContext acting through an API key (role `member` unless told otherwise). */
export function testContext(options: TestContextOptions): TestServiceContext {
  const role = options.role ?? 'member';
  return {
    tenantId: options.tenantId,
    projectId: options.projectId ?? null,
    actor: { type: 'api_key', id: `test-key-${role}`, role, ...options.actor },
    requestId: options.requestId ?? `req-${uuidv7()}`,
    clock: options.clock ?? new ManualClock(),
    ids: uuidv7Generator,
    logger: silentLogger,
  };
}
