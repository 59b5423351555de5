import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@ftm/core';
import { seedRun, seedSuite, seedVersion } from '../../../../core/test/promotions/support/promotion-kit.js';
import { testContext } from '@ftm/test-support/fixtures';
import { createPointerTestApp, type PointerTestApp } from './support/pointer-test-app.js';

let t: PointerTestApp;
let suite: { suiteId: string; caseIds: string[] };

beforeAll(async () => {
  t = await createPointerTestApp();
  suite = await seedSuite(t.ftm.database.db, t.a.tenantId, 10);
});
afterAll(async () => t?.close());

/** A candidate version of tenant a with a completed eval scoring `score`. */
async function version(score = 0.9): Promise<string> {
  const db = t.ftm.database.db;
  const id = await seedVersion(db, testContext({ tenantId: t.a.tenantId }));
  await seedRun(db, t.a.tenantId, suite, id, [score]);
  return id;
}

async function promote(modelVersionId: string, assistant: string, key = t.a.memberKey) {
  const res = await t.call(key, '/promotions', {
    method: 'POST',
    url: '/promotions',
    payload: { model_version_id: modelVersionId, target: { type: 'assistant', value: assistant }, min_eval_score: 0.5, eval_suite_id: suite.suiteId },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('promotion and pointer routes', () => {
  it('promotes, lists, gets and resolves, with the decision as a 201 body in every case', async () => {
    const v = await version();
    const p = await promote(v, 'web-chat');
    expect(p).toMatchObject({ decision: 'promoted', model_version_id: v });
    const low = await version(0.1);
    const rejected = await t.call(t.a.memberKey, '/promotions', {
      method: 'POST',
      url: '/promotions',
      payload: { model_version_id: low, target: { type: 'assistant', value: 'web-chat' }, min_eval_score: 0.5 },
    });
    expect(rejected.statusCode).toBe(201);
    expect(rejected.json().decision).toBe('rejected');

    const list = await t.call(t.a.memberKey, '/promotions', { url: `/promotions?target_type=assistant&target_value=web-chat&limit=1` });
    expect(list.json().data).toHaveLength(1);
    expect(list.json().next_cursor).toEqual(expect.any(String));
    expect((await t.call(t.a.memberKey, '/promotions/:id', { url: `/promotions/${p.id}` })).json().id).toBe(p.id);
    expect((await t.call(t.b.memberKey, '/promotions/:id', { url: `/promotions/${p.id}` })).statusCode).toBe(404);
    expect((await t.call(t.a.memberKey, '/promotions/:id', { url: '/promotions/nope' })).statusCode).toBe(400);

    const pointers = await t.call(t.a.memberKey, '/production-pointers', { url: '/production-pointers?target_type=assistant&target_value=web-chat' });
    expect(pointers.json().data).toEqual([expect.objectContaining({ id: p.pointer_id, model_version_id: v, version: 1 })]);
    expect((await t.call(t.a.memberKey, '/production-pointers/:id', { url: `/production-pointers/${p.pointer_id}` })).json().target).toEqual({ type: 'assistant', value: 'web-chat' });
    expect((await t.call(t.b.memberKey, '/production-pointers/:id', { url: `/production-pointers/${p.pointer_id}` })).statusCode).toBe(404);
    const history = await t.call(t.a.memberKey, '/production-pointers/:id/history', { url: `/production-pointers/${p.pointer_id}/history` });
    expect(history.json().data).toEqual([expect.objectContaining({ seq: 1, cause: 'promotion', promotion_id: p.id })]);
    expect(t.problems).toEqual([]);
  });

  it('resolves with an ETag and answers 304 while it still matches', async () => {
    const v1 = await version();
    await promote(v1, 'etag-bot');
    const first = await t.call(t.a.memberKey, '/production-pointers/resolve', { url: '/production-pointers/resolve?assistant=etag-bot' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.json()).toMatchObject({ matched: 'assistant', model_version_id: v1, version: 1, provider: 'simulated' });
    const etag = String(first.headers.etag);
    const unchanged = await t.call(t.a.memberKey, '/production-pointers/resolve', { url: '/production-pointers/resolve?assistant=etag-bot', headers: { 'if-none-match': etag } });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.headers.etag).toBe(etag);
    expect(unchanged.body).toBe('');

    const v2 = await version();
    await promote(v2, 'etag-bot');
    const changed = await t.call(t.a.memberKey, '/production-pointers/resolve', { url: '/production-pointers/resolve?assistant=etag-bot', headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ model_version_id: v2, version: 2 });
    expect(changed.headers.etag).not.toBe(etag);
    expect(t.problems).toEqual([]);
  });

  it('answers 404 when nothing serves the query, 400 without a query, 401 without a key', async () => {
    expect((await t.call(t.b.memberKey, '/production-pointers/resolve', { url: '/production-pointers/resolve?assistant=etag-bot' })).statusCode).toBe(404);
    expect((await t.call(t.a.memberKey, '/production-pointers/resolve', { url: '/production-pointers/resolve' })).statusCode).toBe(400);
    expect((await t.call(null, '/production-pointers/resolve', { url: '/production-pointers/resolve?assistant=x' })).statusCode).toBe(401);
    expect(t.problems).toEqual([]);
  });

  it('refuses to roll back a superseded decision with 409 naming the version serving now', async () => {
    const [v1, v2, v3] = [await version(), await version(), await version()];
    await promote(v1, 'rollback-bot');
    const p2 = await promote(v2, 'rollback-bot');
    await promote(v3, 'rollback-bot');
    const res = await t.call(t.a.memberKey, '/promotions/:id/rollback', { method: 'POST', url: `/promotions/${p2.id}/rollback`, payload: {} });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'pointer_moved_on', current_model_version_id: v3 });
    const p4 = await promote(v2, 'rollback-bot');
    const ok = await t.call(t.a.memberKey, '/promotions/:id/rollback', { method: 'POST', url: `/promotions/${p4.id}/rollback` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().rolled_back_at).toEqual(expect.any(String));
    expect((await t.call(t.a.memberKey, '/production-pointers/resolve', { url: '/production-pointers/resolve?assistant=rollback-bot' })).json().model_version_id).toBe(v3);
    expect(t.problems).toEqual([]);
  });

  it('lets only an admin override, requires notes, and schedules a regression re-eval', async () => {
    const [v1, v2] = [await version(), await version()];
    const p = await promote(v1, 'override-bot');
    const url = `/production-pointers/${p.pointer_id}`;
    const route = '/production-pointers/:id';
    const member = await t.call(t.a.memberKey, route, { method: 'PATCH', url, payload: { model_version_id: v2, notes: 'hotfix' } });
    expect(member.statusCode).toBe(403);
    const noNotes = await t.call(t.a.adminKey, route, { method: 'PATCH', url, payload: { model_version_id: v2 } });
    expect(noNotes.statusCode).toBe(400);
    expect(noNotes.json().errors).toEqual([expect.objectContaining({ path: 'notes' })]);
    const pii = await t.call(t.a.adminKey, route, { method: 'PATCH', url, payload: { model_version_id: v2, notes: 'call me on +1 415 555 0100' } });
    expect(pii.statusCode).toBe(409);
    expect(pii.json().gates).toEqual([expect.objectContaining({ gate: 'trism_scan', verdict: 'deny' })]);

    const ok = await t.call(t.a.adminKey, route, { method: 'PATCH', url, payload: { model_version_id: v2, notes: 'v1 loops on refunds; serving v2 until fixed' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ model_version_id: v2, version: 2 });
    const history = (await t.call(t.a.memberKey, '/production-pointers/:id/history', { url: `${url}/history` })).json();
    expect(history.data[0]).toMatchObject({ seq: 2, cause: 'override', notes: 'v1 loops on refunds; serving v2 until fixed', promotion_id: null });
    const db = t.ftm.database.db;
    const event = await db.selectFrom('outbox_events').select('payload').where('type', '=', 'model.override').where('resource_id', '=', p.pointer_id).executeTakeFirstOrThrow();
    const reEvalId = (event.payload as { re_eval_id: string | null }).re_eval_id;
    expect(reEvalId).toEqual(expect.any(String));
    const reEval = (await t.call(t.a.memberKey, '/monitoring/re-evals/:id', { url: `/monitoring/re-evals/${reEvalId}` })).json();
    expect(reEval).toMatchObject({ schedule: { type: 'immediate' }, target: { type: 'assistant', value: 'override-bot' }, eval_suite_id: suite.suiteId, next_run_at: expect.any(String) });
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('resource_id', '=', p.pointer_id)
      .where('action', '=', 'production_pointer.override')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ notes: 'v1 loops on refunds; serving v2 until fixed' });
    expect(t.problems).toEqual([]);
  });
});

describe('re-eval routes', () => {
  it('schedules, lists, gets, pauses and resumes a cron re-eval', async () => {
    const v = await version();
    await promote(v, 'watched-bot');
    const create = await t.call(t.a.memberKey, '/monitoring/re-evals', {
      method: 'POST',
      url: '/monitoring/re-evals',
      payload: {
        eval_suite_id: suite.suiteId,
        target: { type: 'assistant', value: 'watched-bot' },
        schedule: { type: 'cron', cron: '0 */6 * * *' },
        policy: { max_score_drop: 0.05, auto_rollback: true },
        name: 'nightly',
      },
    });
    expect(create.statusCode).toBe(201);
    const reEval = create.json();
    expect(reEval).toMatchObject({
      name: 'nightly',
      status: 'active',
      policy: { max_score_drop: 0.05, auto_rollback: true },
      baseline: { model_version_id: v, score: expect.closeTo(0.9, 6) },
      runs: [],
    });
    expect(new Date(reEval.next_run_at).getUTCHours() % 6).toBe(0);
    const paused = await t.call(t.a.memberKey, '/monitoring/re-evals/:id/pause', { method: 'POST', url: `/monitoring/re-evals/${reEval.id}/pause` });
    expect(paused.json().status).toBe('paused');
    expect((await t.call(t.a.memberKey, '/monitoring/re-evals', { url: '/monitoring/re-evals?status=paused' })).json().data.map((r: { id: string }) => r.id)).toContain(reEval.id);
    const resumed = await t.call(t.a.memberKey, '/monitoring/re-evals/:id/resume', { method: 'POST', url: `/monitoring/re-evals/${reEval.id}/resume` });
    expect(resumed.json()).toMatchObject({ status: 'active', next_run_at: expect.any(String) });
    expect((await t.call(t.b.memberKey, '/monitoring/re-evals/:id', { url: `/monitoring/re-evals/${reEval.id}` })).statusCode).toBe(404);
    expect(t.problems).toEqual([]);
  });

  it('refuses a bad cron, both or neither of target and model, and an unknown suite', async () => {
    const body = { eval_suite_id: suite.suiteId, target: { type: 'global', value: '*' }, schedule: { type: 'immediate' }, policy: { max_score_drop: 0.1 } };
    const post = (payload: Record<string, unknown>) => t.call(t.a.memberKey, '/monitoring/re-evals', { method: 'POST', url: '/monitoring/re-evals', payload });
    expect((await post({ ...body, schedule: { type: 'cron', cron: '61 * * * *' } })).statusCode).toBe(400);
    expect((await post({ ...body, schedule: { type: 'cron', cron: '0 0 * * * *' } })).statusCode).toBe(400);
    expect((await post({ ...body, model: { type: 'base_model', value: 'gpt-4o-mini' } })).statusCode).toBe(400);
    expect((await post({ ...body, target: undefined })).statusCode).toBe(400);
    expect((await post({ ...body, eval_suite_id: uuidv7() })).statusCode).toBe(404);
    expect((await post(body)).statusCode).toBe(201);
    expect(t.problems).toEqual([]);
  });
});
