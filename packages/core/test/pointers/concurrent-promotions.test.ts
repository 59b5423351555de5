import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { promotionKit, seedRun, seedSuite, seedVersion, type PromotionKit } from '../promotions/support/promotion-kit.js';

describe.each(storeAdapters)('concurrent promotions on $name', ({ create }) => {
  let t: TestDatabase;
  let kit: PromotionKit;
  let ctx: TestServiceContext;

  beforeAll(async () => {
    t = await create();
    kit = promotionKit({ db: t.database.db });
    const tenant = await seedTenant(t.database);
    ctx = testContext({ tenantId: tenant.tenantId });
  });
  afterAll(async () => {
    await kit?.service.close();
    await t?.dispose();
  });

  it('serialises 20 promotions of different versions to one target into one linear history', async () => {
    const db = t.database.db;
    const suite = await seedSuite(db, ctx.tenantId, 10);
    const versions: string[] = [];
    for (let i = 0; i < 20; i++) {
      const v = await seedVersion(db, ctx, `concurrent-${i}`);
      await seedRun(db, ctx.tenantId, suite, v, [0.9]);
      versions.push(v);
    }
    const target = { type: 'global', value: '*' } as const;
    const decisions = await Promise.all(versions.map((v) => kit.service.createPromotion(ctx, { model_version_id: v, target, min_eval_score: 0.5, max_regression: 0.1 })));

    // Every request got a decision, recorded once; with equal scores every one was promoted.
    expect(decisions.map((d) => d.decision)).toEqual(versions.map(() => 'promoted'));
    const recorded = await db.selectFrom('promotions').select(['id', 'model_version_id', 'previous_model_version_id']).where('tenant_id', '=', ctx.tenantId).execute();
    expect(recorded).toHaveLength(20);

    const pointer = await db.selectFrom('production_pointers').selectAll().where('tenant_id', '=', ctx.tenantId).where('target_type', '=', 'global').executeTakeFirstOrThrow();
    const history = await db.selectFrom('pointer_history').selectAll().where('pointer_id', '=', pointer.id).orderBy('seq').execute();
    expect(history.map((h) => Number(h.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // One line: each move starts where the previous one ended.
    expect(history[0]!.from_model_version_id).toBeNull();
    for (let i = 1; i < history.length; i++) expect(history[i]!.from_model_version_id).toBe(history[i - 1]!.to_model_version_id);
    expect(new Set(history.map((h) => h.to_model_version_id))).toEqual(new Set(versions));
    // The pointer equals the last line, and each promotion names what it replaced.
    expect(Number(pointer.version)).toBe(20);
    expect(pointer.model_version_id).toBe(history[19]!.to_model_version_id);
    const byPromotion = new Map(history.map((h) => [h.promotion_id, h]));
    for (const p of recorded) expect(byPromotion.get(p.id)?.from_model_version_id ?? null).toBe(p.previous_model_version_id);
    // Exactly one version serves; the other nineteen went back to approved.
    const statuses = await db.selectFrom('model_versions').select(['id', 'status']).where('id', 'in', versions).execute();
    expect(statuses.filter((s) => s.status === 'production').map((s) => s.id)).toEqual([pointer.model_version_id]);
    expect(statuses.filter((s) => s.status === 'approved')).toHaveLength(19);
  });
});
