import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type SeededTenant } from '@ftm/test-support/fixtures';
import { recordAudit } from '../../src/audit/record-audit.js';
import { listAuditEvents } from '../../src/audit/list-audit-events.js';
import { getAuditEvent } from '../../src/audit/get-audit-event.js';
import { ManualClock } from '../../src/shared/clock.js';
import { NotFoundError, ValidationError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';
import type { ServiceContext } from '../../src/shared/context.js';

describe('audit trail API', () => {
  let t: TestDatabase;
  let tenant: SeededTenant;
  let other: SeededTenant;
  let ctx: ServiceContext;
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const resource = uuidv7();
  const ids: string[] = [];

  const write = (c: ServiceContext, action: string, resourceId: string | null, projectId?: string | null) =>
    t.database.db.transaction().execute((trx) =>
      recordAudit(trx, c, {
        action,
        resourceType: 'model_version',
        resourceId,
        summary: `${action} happened`,
        details: { n: ids.length },
        ...(projectId !== undefined ? { projectId } : {}),
      }),
    );

  beforeAll(async () => {
    t = await createPgliteTestDatabase();
    tenant = await seedTenant(t.database);
    other = await seedTenant(t.database);
    ctx = testContext({ tenantId: tenant.tenantId, clock, requestId: 'req-audit' });
    for (let i = 0; i < 7; i++) {
      ids.push(await write(ctx, i % 2 === 0 ? 'model_version.create' : 'model_version.approve', i < 3 ? resource : uuidv7(), i === 6 ? tenant.projectId : null));
      clock.advance(i === 3 ? 0 : 1_000); // two rows share a time: the id breaks the tie
    }
    await write(testContext({ tenantId: other.tenantId, clock }), 'model_version.create', resource);
  });
  afterAll(async () => t?.dispose());

  it('lists the tenant rows newest first with actor, request id and summary', async () => {
    const page = await listAuditEvents(t.database.db, ctx, {});
    expect(page.data.map((e) => e.id)).toEqual([...ids].reverse());
    expect(page.data[0]).toMatchObject({
      actor: { type: 'api_key', id: 'test-key-member' },
      action: 'model_version.create',
      resource_type: 'model_version',
      request_id: 'req-audit',
      summary: 'model_version.create happened',
      orchestrator_audit_id: null,
      forwarded_at: null,
    });
  });

  it('pages through every row exactly once, ties on time included', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(t.database.db, ctx, { limit: '2', ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((e) => e.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by resource, action, actor and time window', async () => {
    expect((await listAuditEvents(t.database.db, ctx, { resource_id: resource })).data.map((e) => e.id)).toEqual(ids.slice(0, 3).reverse());
    expect((await listAuditEvents(t.database.db, ctx, { action: 'model_version.approve' })).data).toHaveLength(3);
    expect((await listAuditEvents(t.database.db, ctx, { actor_id: 'nobody' })).data).toEqual([]);
    const since = '2026-03-01T00:00:01.000Z';
    const until = '2026-03-01T00:00:03.000Z';
    const window = await listAuditEvents(t.database.db, ctx, { since, until });
    expect(window.data.every((e) => e.occurred_at >= since && e.occurred_at < until)).toBe(true);
    expect(window.data).toHaveLength(2);
  });

  it('rejects bad filters and cursors as validation errors', async () => {
    await expect(listAuditEvents(t.database.db, ctx, { since: 'yesterday' })).rejects.toBeInstanceOf(ValidationError);
    await expect(listAuditEvents(t.database.db, ctx, { resource_id: 'x' })).rejects.toBeInstanceOf(ValidationError);
    await expect(listAuditEvents(t.database.db, ctx, { cursor: 'garbage' })).rejects.toBeInstanceOf(ValidationError);
    await expect(listAuditEvents(t.database.db, ctx, { since: '2026-03-02T00:00:00Z', until: '2026-03-01T00:00:00Z' })).rejects.toBeInstanceOf(ValidationError);
    await expect(listAuditEvents(t.database.db, ctx, { sort: 'asc' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('gets one row, and never another tenant’s', async () => {
    expect((await getAuditEvent(t.database.db, ctx, ids[2]!)).id).toBe(ids[2]);
    await expect(getAuditEvent(t.database.db, testContext({ tenantId: other.tenantId }), ids[2]!)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getAuditEvent(t.database.db, ctx, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('shows a project-scoped key only its project’s rows', async () => {
    const scoped = testContext({ tenantId: tenant.tenantId, projectId: tenant.projectId });
    expect((await listAuditEvents(t.database.db, scoped, {})).data.map((e) => e.id)).toEqual([ids[6]]);
    await expect(getAuditEvent(t.database.db, scoped, ids[0]!)).rejects.toBeInstanceOf(NotFoundError);
  });
});
