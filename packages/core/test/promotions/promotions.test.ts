import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { ConflictError, ForbiddenError, GateDeniedError, NotFoundError } from '../../src/shared/errors.js';
import { approveApproval, rejectApproval } from '../../src/approvals/decide-approval.js';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { promotionKit, seedRun, seedSuite, seedVersion, type PromotionKit } from './support/promotion-kit.js';

let t: TestDatabase;
let db: Kysely<DB>;
let kit: PromotionKit;
let ctx: TestServiceContext;
let admin: TestServiceContext;
let other: TestServiceContext;
let scoped: TestServiceContext;
let suite: { suiteId: string; caseIds: string[] };
let targetN = 0;

beforeAll(async () => {
  t = await createPgliteTestDatabase();
  db = t.database.db;
  kit = promotionKit({ db });
  await kit.service.start();
  const a = await seedTenant(db);
  const b = await seedTenant(db);
  ctx = testContext({ tenantId: a.tenantId });
  admin = testContext({ tenantId: a.tenantId, role: 'admin' });
  scoped = testContext({ tenantId: a.tenantId, projectId: a.projectId });
  other = testContext({ tenantId: b.tenantId });
  suite = await seedSuite(db, a.tenantId, 30);
});
afterAll(async () => {
  await kit.service.close();
  await t.dispose();
});

/** A fresh assistant target per test. */
const target = () => ({ type: 'assistant' as const, value: `bot-${++targetN}` });

/** A version with a completed run scoring `score` on every case. */
async function scoredVersion(score: number | number[]): Promise<string> {
  const id = await seedVersion(db, ctx);
  await seedRun(db, ctx.tenantId, suite, id, Array.isArray(score) ? score : [score]);
  return id;
}

async function outbox(resourceId: string) {
  return (await db.selectFrom('outbox_events').select('type').where('tenant_id', '=', ctx.tenantId).where('resource_id', '=', resourceId).orderBy('seq').execute()).map((e) => e.type);
}

describe('promotions', () => {
  it('promotes a version whose gates pass: records every gate, creates the pointer, and resolves to it', async () => {
    const tgt = target();
    const v = await scoredVersion(0.9);
    const p = await kit.service.createPromotion(ctx, { model_version_id: v, target: tgt, min_eval_score: 0.8, eval_suite_id: suite.suiteId, notes: 'quarterly refresh' });
    expect(p.decision).toBe('promoted');
    expect(p.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ['version_status', 'pass'],
      ['min_eval_score', 'pass'],
      ['regression', 'skipped'],
      ['trism_scan', 'pass'],
      ['governance', 'pass'],
      ['approval', 'skipped'],
    ]);
    expect(p.baseline).toMatchObject({ eval_suite_id: suite.suiteId, score: expect.closeTo(0.9, 6) });
    expect(p.previous_model_version_id).toBeNull();
    const pointer = await kit.service.getPointer(ctx, p.pointer_id!);
    expect(pointer).toMatchObject({ target: tgt, model_version_id: v, version: 1, provider: 'simulated' });
    const history = await kit.service.listPointerHistory(ctx, pointer.id, {});
    expect(history.data).toEqual([expect.objectContaining({ seq: 1, from_model_version_id: null, to_model_version_id: v, cause: 'promotion', promotion_id: p.id, notes: 'quarterly refresh' })]);
    expect((await db.selectFrom('model_versions').select('status').where('id', '=', v).executeTakeFirstOrThrow()).status).toBe('production');
    expect(await outbox(pointer.id)).toEqual(['model.promoted']);
    expect(await outbox(p.id)).toEqual(['promotion.created']);
    const audit = await db.selectFrom('audit_events').select('action').where('resource_id', 'in', [p.id, pointer.id]).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['production_pointer.promotion', 'promotion.create']);
    const resolved = await kit.service.resolve(ctx, { assistant: tgt.value });
    expect(resolved?.body).toMatchObject({ pointer_id: pointer.id, matched: 'assistant', model_version_id: v, version: 1 });
  });

  it('swaps to a newer version: the old one goes back to approved and history gains one line', async () => {
    const tgt = target();
    const v1 = await scoredVersion(0.8);
    const v2 = await scoredVersion(0.8);
    await kit.service.createPromotion(ctx, { model_version_id: v1, target: tgt, min_eval_score: 0.5 });
    const p2 = await kit.service.createPromotion(ctx, { model_version_id: v2, target: tgt, min_eval_score: 0.5, max_regression: 0.05 });
    expect(p2).toMatchObject({ decision: 'promoted', previous_model_version_id: v1 });
    expect(p2.gates.find((g) => g.gate === 'regression')).toMatchObject({ verdict: 'pass' });
    const statuses = await db.selectFrom('model_versions').select(['id', 'status']).where('id', 'in', [v1, v2]).execute();
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({ [v1]: 'approved', [v2]: 'production' });
    const history = await kit.service.listPointerHistory(ctx, p2.pointer_id!, { limit: 1 });
    expect(history.data[0]).toMatchObject({ seq: 2, from_model_version_id: v1, to_model_version_id: v2 });
    const older = await kit.service.listPointerHistory(ctx, p2.pointer_id!, { limit: 1, cursor: history.next_cursor });
    expect(older.data.map((h) => h.seq)).toEqual([1]);
    expect(older.next_cursor).toBeNull();
  });

  it('rejects a version scoring below the minimum, leaves the pointer, and skips the external gates', async () => {
    const tgt = target();
    const v = await scoredVersion(0.4);
    const p = await kit.service.createPromotion(ctx, { model_version_id: v, target: tgt, min_eval_score: 0.6 });
    expect(p.decision).toBe('rejected');
    expect(p.gates.find((g) => g.gate === 'min_eval_score')).toMatchObject({ verdict: 'deny', reason: expect.stringContaining('< 0.6') });
    expect(p.gates.filter((g) => g.verdict === 'skipped').map((g) => g.gate)).toEqual(expect.arrayContaining(['governance', 'approval']));
    expect(p.pointer_id).toBeNull();
    expect(await kit.service.resolve(ctx, { assistant: tgt.value })).toBeNull();
  });

  it('rejects a version without any completed eval', async () => {
    const v = await seedVersion(db, ctx);
    const p = await kit.service.createPromotion(ctx, { model_version_id: v, target: target(), min_eval_score: 0 });
    expect(p.decision).toBe('rejected');
    expect(p.gates.find((g) => g.gate === 'min_eval_score')?.reason).toContain('no completed eval');
  });

  it('rejects a significant regression against the serving version beyond max_regression', async () => {
    const tgt = target();
    const good = await scoredVersion(0.95);
    await kit.service.createPromotion(ctx, { model_version_id: good, target: tgt, min_eval_score: 0.5 });
    const worse = await scoredVersion([0.7, 0.8, 0.6]);
    const p = await kit.service.createPromotion(ctx, { model_version_id: worse, target: tgt, min_eval_score: 0.5, max_regression: 0.05 });
    expect(p.decision).toBe('rejected');
    expect(p.gates.find((g) => g.gate === 'regression')).toMatchObject({ verdict: 'deny', reason: expect.stringContaining('significant score drop') });
    const tolerated = await kit.service.createPromotion(ctx, { model_version_id: worse, target: tgt, min_eval_score: 0.5, max_regression: 0.5 });
    expect(tolerated.decision).toBe('promoted');
  });

  it('blocks notes carrying PII, naming the finding type and storing no notes', async () => {
    const v = await scoredVersion(0.9);
    const p = await kit.service.createPromotion(ctx, { model_version_id: v, target: target(), min_eval_score: 0.5, notes: 'approved by jane.doe@example.com' });
    expect(p.decision).toBe('blocked');
    expect(p.gates.find((g) => g.gate === 'trism_scan')).toMatchObject({ verdict: 'deny', reason: expect.stringContaining('email') });
    expect(p.notes).toBeNull();
    expect(JSON.stringify(p)).not.toContain('jane.doe');
  });

  it('blocks what governance denies, with its decision id', async () => {
    const denyAll = promotionKit({ db, policy: { version: 1, default: 'allow', rules: [{ id: 'freeze', actions: ['model.promote'], effect: 'deny', when: {}, reason: 'change freeze' }] } });
    const v = await scoredVersion(0.9);
    const p = await denyAll.service.createPromotion(ctx, { model_version_id: v, target: target(), min_eval_score: 0.5 });
    expect(p.decision).toBe('blocked');
    expect(p.gates.find((g) => g.gate === 'governance')).toMatchObject({ verdict: 'deny', reason: expect.stringContaining('change freeze'), decision_id: expect.any(String) });
  });

  it('waits for approval when asked, then swaps once approved', async () => {
    const tgt = target();
    const v = await scoredVersion(0.9);
    const p = await kit.service.createPromotion(ctx, { model_version_id: v, target: tgt, min_eval_score: 0.5, require_approval: true });
    expect(p).toMatchObject({ decision: 'pending_approval', decided_at: null, approval_id: expect.any(String) });
    expect(p.gates.find((g) => g.gate === 'approval')?.verdict).toBe('pending');
    expect(await kit.service.resolve(ctx, { assistant: tgt.value })).toBeNull();
    const again = await kit.service.createPromotion(ctx, { model_version_id: v, target: tgt, min_eval_score: 0.5, require_approval: true });
    expect(again.id).toBe(p.id);

    await approveApproval({ db, hooks: kit.hooks }, admin, p.approval_id!, { notes: 'go' });
    const decided = await kit.service.getPromotion(ctx, p.id);
    expect(decided).toMatchObject({ decision: 'promoted', pointer_id: expect.any(String) });
    expect(decided.gates.find((g) => g.gate === 'approval')?.verdict).toBe('pass');
    expect((await kit.service.resolve(ctx, { assistant: tgt.value }))?.body.model_version_id).toBe(v);
  });

  it('blocks a promotion whose approval is rejected', async () => {
    const v = await scoredVersion(0.9);
    const p = await kit.service.createPromotion(ctx, { model_version_id: v, target: target(), min_eval_score: 0.5, require_approval: true });
    await rejectApproval({ db, hooks: kit.hooks }, admin, p.approval_id!);
    const decided = await kit.service.getPromotion(ctx, p.id);
    expect(decided).toMatchObject({ decision: 'blocked', pointer_id: null });
    expect(decided.gates.find((g) => g.gate === 'approval')?.verdict).toBe('deny');
  });

  it('returns the same decision to a repeated request instead of swapping twice', async () => {
    const tgt = target();
    const v = await scoredVersion(0.9);
    const first = await kit.service.createPromotion(ctx, { model_version_id: v, target: tgt, min_eval_score: 0.5 });
    const second = await kit.service.createPromotion(ctx, { model_version_id: v, target: tgt, min_eval_score: 0.5 });
    expect(second).toEqual(first);
    expect((await kit.service.listPointerHistory(ctx, first.pointer_id!, {})).data).toHaveLength(1);
  });

  it("treats another tenant's version as not found and keeps project keys inside their project", async () => {
    const v = await scoredVersion(0.9);
    await expect(kit.service.createPromotion(other, { model_version_id: v, target: target(), min_eval_score: 0.5 })).rejects.toBeInstanceOf(NotFoundError);
    const mine = await seedVersion(db, scoped);
    await expect(kit.service.createPromotion(scoped, { model_version_id: mine, target: { type: 'global', value: '*' }, min_eval_score: 0.5 })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses a global target whose value is not * and a project target that is not a project', async () => {
    const v = await scoredVersion(0.9);
    await expect(kit.service.createPromotion(ctx, { model_version_id: v, target: { type: 'global', value: 'all' }, min_eval_score: 0.5 })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(kit.service.createPromotion(ctx, { model_version_id: v, target: { type: 'project', value: '0190a0a0-0000-7000-8000-000000000000' }, min_eval_score: 0.5 })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});

describe('rollback', () => {
  it('restores the previous version with cause rollback and model.rolled_back', async () => {
    const tgt = target();
    const v1 = await scoredVersion(0.8);
    const v2 = await scoredVersion(0.8);
    await kit.service.createPromotion(ctx, { model_version_id: v1, target: tgt, min_eval_score: 0.5 });
    const p2 = await kit.service.createPromotion(ctx, { model_version_id: v2, target: tgt, min_eval_score: 0.5 });
    const rolled = await kit.service.rollbackPromotion(ctx, p2.id, { notes: 'support tickets doubled' });
    expect(rolled).toMatchObject({ rolled_back_at: expect.any(String), rolled_back_by: `api_key:${ctx.actor.id}` });
    const history = await kit.service.listPointerHistory(ctx, p2.pointer_id!, {});
    expect(history.data[0]).toMatchObject({ seq: 3, from_model_version_id: v2, to_model_version_id: v1, cause: 'rollback', promotion_id: p2.id });
    expect((await kit.service.resolve(ctx, { assistant: tgt.value }))?.body).toMatchObject({ model_version_id: v1, version: 3 });
    expect(await outbox(p2.pointer_id!)).toEqual(['model.promoted', 'model.promoted', 'model.rolled_back']);
    await expect(kit.service.rollbackPromotion(ctx, p2.id, {})).rejects.toMatchObject({ code: 'promotion_rolled_back' });
  });

  it('refuses to roll back a superseded decision with 409 naming the version serving now', async () => {
    const tgt = target();
    const [v1, v2, v3] = [await scoredVersion(0.8), await scoredVersion(0.8), await scoredVersion(0.8)];
    await kit.service.createPromotion(ctx, { model_version_id: v1, target: tgt, min_eval_score: 0.5 });
    const p2 = await kit.service.createPromotion(ctx, { model_version_id: v2, target: tgt, min_eval_score: 0.5 });
    await kit.service.createPromotion(ctx, { model_version_id: v3, target: tgt, min_eval_score: 0.5 });
    const error = await kit.service.rollbackPromotion(ctx, p2.id, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'pointer_moved_on', details: { current_model_version_id: v3 } });
    expect((error as Error).message).toContain(v3);
  });

  it('refuses to roll back a decision that was not promoted, or the first one of a pointer', async () => {
    const tgt = target();
    const low = await scoredVersion(0.1);
    const rejected = await kit.service.createPromotion(ctx, { model_version_id: low, target: tgt, min_eval_score: 0.5 });
    await expect(kit.service.rollbackPromotion(ctx, rejected.id, {})).rejects.toMatchObject({ code: 'promotion_not_promoted' });
    const first = await kit.service.createPromotion(ctx, { model_version_id: await scoredVersion(0.9), target: tgt, min_eval_score: 0.5 });
    await expect(kit.service.rollbackPromotion(ctx, first.id, {})).rejects.toMatchObject({ code: 'nothing_to_restore' });
  });

  it('refuses rollback notes that carry secrets', async () => {
    await expect(kit.service.rollbackPromotion(ctx, '0190a0a0-0000-7000-8000-000000000000', { notes: 'key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789' })).rejects.toBeInstanceOf(GateDeniedError);
  });
});
