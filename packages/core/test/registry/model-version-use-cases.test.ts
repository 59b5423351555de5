import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type SeededTenant } from '@ftm/test-support/fixtures';
import { createModelVersion, insertModelVersion } from '../../src/registry/create-model-version.js';
import { getModelVersion } from '../../src/registry/get-model-version.js';
import { listModelVersions } from '../../src/registry/list-model-versions.js';
import { approveModelVersion, retireModelVersion, transitionModelVersion } from '../../src/registry/transition-model-version.js';
import { ConflictError, ForbiddenError, InvalidTransitionError, NotFoundError, ValidationError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';

let t: TestDatabase;
let a: SeededTenant;
let b: SeededTenant;
let n = 0;
const body = (extra: Record<string, unknown> = {}) => ({
  name: `support-bot-${++n}`,
  provider: 'openai',
  provider_model_id: `ft:gpt-4o-mini:acme::${n}`,
  base_model: 'gpt-4o-mini',
  ...extra,
});

beforeAll(async () => {
  t = await createPgliteTestDatabase();
  a = await seedTenant(t.database);
  b = await seedTenant(t.database);
});
afterAll(async () => t?.dispose());

describe('model registry use cases', () => {
  it('registers a candidate with its created event and audit row in the same transaction', async () => {
    const ctx = testContext({ tenantId: a.tenantId });
    const mv = await createModelVersion(t.database.db, ctx, body({ project_id: a.projectId, metadata: { team: 'support' } }));
    expect(mv).toMatchObject({ status: 'candidate', project_id: a.projectId, metadata: { team: 'support' }, eval_summary: {} });
    expect(mv.created_by).toBe('api_key:test-key-member');
    const events = await t.database.db.selectFrom('outbox_events').selectAll().where('resource_id', '=', mv.id).execute();
    expect(events.map((e) => e.type)).toEqual(['model_version.created']);
    expect((events[0]!.payload as { model_version: { id: string } }).model_version.id).toBe(mv.id);
    const audits = await t.database.db.selectFrom('audit_events').selectAll().where('resource_id', '=', mv.id).execute();
    expect(audits.map((x) => x.action)).toEqual(['model_version.create']);
  });

  it('refuses unknown fields and wrong types with field errors', async () => {
    const ctx = testContext({ tenantId: a.tenantId });
    const err = await createModelVersion(t.database.db, ctx, { ...body(), surprise: 1, name: 42 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fieldErrors.map((f) => f.path).sort()).toEqual(['name', 'surprise']);
  });

  it('refuses a second registration of the same provider model as a conflict and writes nothing', async () => {
    const ctx = testContext({ tenantId: a.tenantId });
    const first = body();
    await createModelVersion(t.database.db, ctx, first);
    const before = await t.database.db
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.countAll().as('c'))
      .executeTakeFirstOrThrow();
    await expect(createModelVersion(t.database.db, ctx, { ...first, name: 'other' })).rejects.toBeInstanceOf(ConflictError);
    const after = await t.database.db
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.countAll().as('c'))
      .executeTakeFirstOrThrow();
    expect(Number(after.c)).toBe(Number(before.c));
  });

  it('lets another tenant register the same provider model id', async () => {
    const shared = body();
    await createModelVersion(t.database.db, testContext({ tenantId: a.tenantId }), shared);
    await expect(createModelVersion(t.database.db, testContext({ tenantId: b.tenantId }), shared)).resolves.toMatchObject({ status: 'candidate' });
  });

  it("answers not found for another tenant's version and for another tenant's project", async () => {
    const mv = await createModelVersion(t.database.db, testContext({ tenantId: a.tenantId }), body());
    const ctxB = testContext({ tenantId: b.tenantId });
    await expect(getModelVersion(t.database.db, ctxB, mv.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(approveModelVersion(t.database.db, ctxB, mv.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createModelVersion(t.database.db, ctxB, body({ project_id: a.projectId }))).rejects.toBeInstanceOf(NotFoundError);
    const list = await listModelVersions(t.database.db, ctxB, { project_id: a.projectId });
    expect(list.data).toEqual([]);
  });

  it('keeps a project-scoped key inside its project', async () => {
    const other = await t.database.db
      .insertInto('projects')
      .values({ id: uuidv7(), tenant_id: a.tenantId, name: `other-${uuidv7()}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const outside = await createModelVersion(t.database.db, testContext({ tenantId: a.tenantId }), body({ project_id: other.id }));
    const scoped = testContext({ tenantId: a.tenantId, projectId: a.projectId });
    const inside = await createModelVersion(t.database.db, scoped, body());
    expect(inside.project_id).toBe(a.projectId);
    await expect(createModelVersion(t.database.db, scoped, body({ project_id: other.id }))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getModelVersion(t.database.db, scoped, outside.id)).rejects.toBeInstanceOf(NotFoundError);
    const ids = (await listModelVersions(t.database.db, scoped, { limit: 100 })).data.map((v) => v.id);
    expect(ids).toContain(inside.id);
    expect(ids).not.toContain(outside.id);
  });

  it('approves then retires, recording the previous status, and refuses to leave retired', async () => {
    const ctx = testContext({ tenantId: a.tenantId });
    const mv = await createModelVersion(t.database.db, ctx, body());
    ctx.clock.advance(1000);
    const approved = await approveModelVersion(t.database.db, ctx, mv.id);
    expect(approved.status).toBe('approved');
    expect(approved.updated_at > mv.updated_at).toBe(true);
    await expect(approveModelVersion(t.database.db, ctx, mv.id)).rejects.toBeInstanceOf(InvalidTransitionError);
    expect((await retireModelVersion(t.database.db, ctx, mv.id)).status).toBe('retired');
    await expect(retireModelVersion(t.database.db, ctx, mv.id)).rejects.toBeInstanceOf(InvalidTransitionError);
    const events = await t.database.db.selectFrom('outbox_events').selectAll().where('resource_id', '=', mv.id).orderBy('seq').execute();
    expect(events.map((e) => [e.type, (e.payload as { previous_status?: string }).previous_status])).toEqual([
      ['model_version.created', undefined],
      ['model_version.updated', 'candidate'],
      ['model_version.updated', 'approved'],
    ]);
  });

  it('lets promotions move a version to production and back inside their own transaction', async () => {
    const ctx = testContext({ tenantId: a.tenantId });
    const mv = await t.database.db.transaction().execute((trx) => insertModelVersion(trx, ctx, { ...body(), actual_cost_usd: 12.5 }));
    expect(mv.actual_cost_usd).toBe(12.5);
    const promoted = await t.database.db.transaction().execute((trx) => transitionModelVersion(trx, ctx, mv.id, 'promote'));
    expect(promoted.status).toBe('production');
    await expect(retireModelVersion(t.database.db, ctx, mv.id)).rejects.toMatchObject({ code: 'model_version_in_production' });
    const demoted = await t.database.db.transaction().execute((trx) => transitionModelVersion(trx, ctx, mv.id, 'demote'));
    expect(demoted.status).toBe('approved');
  });

  it('lists newest first with filters and a cursor that walks every page once', async () => {
    const tenant = await seedTenant(t.database);
    const ctx = testContext({ tenantId: tenant.tenantId });
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createModelVersion(t.database.db, ctx, body({ base_model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini' })));
    await approveModelVersion(t.database.db, ctx, made[0]!.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listModelVersions(t.database.db, ctx, { limit: '2', ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((v) => v.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(made.map((m) => m.id).reverse());
    expect((await listModelVersions(t.database.db, ctx, { status: 'approved' })).data.map((v) => v.id)).toEqual([made[0]!.id]);
    expect((await listModelVersions(t.database.db, ctx, { base_model: 'gpt-4o' })).data).toHaveLength(2);
  });

  it('refuses a forged cursor, an unknown status and an out-of-range limit', async () => {
    const ctx = testContext({ tenantId: a.tenantId });
    await expect(listModelVersions(t.database.db, ctx, { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(ValidationError);
    await expect(listModelVersions(t.database.db, ctx, { status: 'deleted' })).rejects.toBeInstanceOf(ValidationError);
    await expect(listModelVersions(t.database.db, ctx, { limit: '1000' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('treats a malformed id as not found instead of a database error', async () => {
    await expect(getModelVersion(t.database.db, testContext({ tenantId: a.tenantId }), 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('batched model version reads', () => {
  it('answer concurrent reads like one query each, scoped to the caller', async () => {
    const { batchedModelVersionReader } = await import('../../src/registry/get-model-version.js');
    const read = batchedModelVersionReader(t.database.db);
    const ctxA = testContext({ tenantId: a.tenantId });
    const ctxB = testContext({ tenantId: b.tenantId });
    const mine = await createModelVersion(t.database.db, ctxA, body());
    const theirs = await createModelVersion(t.database.db, ctxB, body());
    const results = await Promise.allSettled([read(ctxA, mine.id), read(ctxA, mine.id.toUpperCase()), read(ctxA, theirs.id), read(ctxB, theirs.id), read(ctxA, 'not-a-uuid'), read(ctxA, uuidv7())]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.id : (r.reason as Error).constructor.name))).toEqual([
      mine.id,
      mine.id,
      'NotFoundError',
      theirs.id,
      'NotFoundError',
      'NotFoundError',
    ]);
    expect(await read(ctxA, mine.id)).toEqual(await getModelVersion(t.database.db, ctxA, mine.id));
  });
});
