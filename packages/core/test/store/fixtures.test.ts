import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';

describe('test fixtures', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createPgliteTestDatabase();
  });
  afterAll(async () => t.dispose());

  it('seeds a tenant with a default project that belongs to it', async () => {
    const { tenantId, projectId } = await seedTenant(t.database, 'acme');
    const project = await t.database.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirstOrThrow();
    expect(project.tenant_id).toBe(tenantId);
    const tenant = await t.database.db.selectFrom('tenants').select('name').where('id', '=', tenantId).executeTakeFirstOrThrow();
    expect(tenant.name).toBe('acme');
  });

  it('seeds distinct tenants when called twice without a name', async () => {
    const a = await seedTenant(t.database.db);
    const b = await seedTenant(t.database.db);
    expect(a.tenantId).not.toBe(b.tenantId);
  });

  it('builds a context whose manual clock moves only when advanced', () => {
    const ctx = testContext({ tenantId: 't', role: 'admin' });
    const before = ctx.clock.now().getTime();
    ctx.clock.advance(1_000);
    expect(ctx.clock.now().getTime()).toBe(before + 1_000);
    expect(ctx.actor.role).toBe('admin');
    expect(ctx.projectId).toBeNull();
  });
});
