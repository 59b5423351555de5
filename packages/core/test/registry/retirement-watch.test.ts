import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { ManualClock } from '../../src/shared/clock.js';
import { uuidv7, uuidv7Generator } from '../../src/shared/ids.js';
import { silentLogger } from '../../src/shared/logger.js';
import { createModelVersion } from '../../src/registry/create-model-version.js';
import { getModelVersion } from '../../src/registry/get-model-version.js';
import { listModelVersions } from '../../src/registry/list-model-versions.js';
import { warnModelRetirements, MODEL_RETIREMENT_WARNING } from '../../src/registry/warn-model-retirements.js';
import { daysUntil, modelRetirement } from '../../src/providers/model-retirement.js';
import { getProductionPointer } from '../../src/pointers/list-production-pointers.js';
import { isDeliverableEventType } from '../../src/webhooks/webhook-event-types.js';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { promotionKit } from '../promotions/support/promotion-kit.js';

let t: TestDatabase;
let db: Kysely<DB>;
beforeAll(async () => {
  t = await createPgliteTestDatabase();
  db = t.database.db;
});
afterAll(async () => t.dispose());

/** A tenant with a clock of its own, and a helper registering a model version on a provider. */
async function setup(start: string) {
  const clock = new ManualClock(start);
  const tenant = await seedTenant(db);
  const ctx = testContext({ tenantId: tenant.tenantId, projectId: null, clock });
  const register = async (provider: string, baseModel: string) =>
    createModelVersion(db, ctx, {
      name: `${provider}-${uuidv7().slice(-6)}`,
      provider,
      provider_model_id: `ft:${baseModel}:acme:${uuidv7().slice(-8)}`,
      base_model: baseModel,
      project_id: tenant.projectId,
    });
  const deps = { db, clock, ids: uuidv7Generator, logger: silentLogger };
  return { clock, tenant, ctx, register, deps };
}

async function warningsOf(modelVersionId: string) {
  const events = await db.selectFrom('outbox_events').select(['type', 'payload']).where('resource_id', '=', modelVersionId).where('type', '=', MODEL_RETIREMENT_WARNING).orderBy('id').execute();
  return events.map((e) => e.payload as { threshold_days: number; retirement: { date: string; days_left: number; kind: string }; production_pointers: { id: string }[] });
}

describe('model retirement dates', () => {
  it('counts whole UTC days to the date, 0 on the day and negative after', () => {
    expect(daysUntil('2027-01-06', new Date('2026-12-07T23:59:00Z'))).toBe(30);
    expect(daysUntil('2027-01-06', new Date('2027-01-06T08:00:00Z'))).toBe(0);
    expect(daysUntil('2027-01-06', new Date('2027-01-08T00:00:00Z'))).toBe(-2);
  });

  it("gives OpenAI models OpenAI's end of fine-tuning, and none to Together, Azure OpenAI or the simulator", () => {
    const now = new Date('2026-12-07T00:00:00Z');
    expect(modelRetirement('openai', 'gpt-4o-mini', now)).toMatchObject({ date: '2027-01-06', kind: 'fine_tuning_ends', days_left: 30 });
    expect(modelRetirement('together', 'Qwen/Qwen2.5-7B-Instruct', now)).toBeNull();
    expect(modelRetirement('azure_openai', 'gpt-4o-mini-2024-07-18', now)).toBeNull();
    expect(modelRetirement('simulated', 'gpt-4o-mini-2024-07-18', now)).toBeNull();
  });

  it('shows the retirement on model versions and production pointers, with days left by the caller clock', async () => {
    const { ctx, register, tenant } = await setup('2026-12-01T12:00:00Z');
    const openai = await register('openai', 'gpt-4o-mini-2024-07-18');
    const together = await register('together', 'Qwen/Qwen2.5-7B-Instruct');
    expect(openai.retirement).toMatchObject({ date: '2027-01-06', kind: 'fine_tuning_ends', days_left: 36 });
    expect(together.retirement).toBeNull();
    ctx.clock.advance(24 * 3_600_000);
    expect((await getModelVersion(db, ctx, openai.id)).retirement?.days_left).toBe(35);
    const listed = await listModelVersions(db, ctx, { limit: 10 });
    expect(listed.data.find((v) => v.id === openai.id)?.retirement?.days_left).toBe(35);

    const pointerId = uuidv7();
    await db
      .insertInto('production_pointers')
      .values({ id: pointerId, tenant_id: tenant.tenantId, project_id: tenant.projectId, target_type: 'assistant', target_value: 'support', model_version_id: openai.id, updated_by: 'test' })
      .execute();
    expect((await getProductionPointer(db, ctx, pointerId)).retirement).toMatchObject({ date: '2027-01-06', days_left: 35 });
  });
});

describe('the retirement watch', () => {
  it('warns once per model version and threshold, with the pointers serving it, as an event and an audit row', async () => {
    const { clock, register, tenant, deps } = await setup('2026-11-01T00:00:00Z');
    const openai = await register('openai', 'gpt-4o-mini-2024-07-18');
    const together = await register('together', 'Qwen/Qwen2.5-7B-Instruct');
    const pointerId = uuidv7();
    await db
      .insertInto('production_pointers')
      .values({ id: pointerId, tenant_id: tenant.tenantId, project_id: tenant.projectId, target_type: 'assistant', target_value: 'support', model_version_id: openai.id, updated_by: 'test' })
      .execute();
    const watch = () => warnModelRetirements(deps, { thresholdsDays: [30, 7] });

    await watch();
    expect(await warningsOf(openai.id)).toEqual([]);

    clock.set(new Date('2026-12-07T06:00:00Z'));
    await watch();
    await watch();
    const first = await warningsOf(openai.id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ threshold_days: 30, retirement: { date: '2027-01-06', days_left: 30, kind: 'fine_tuning_ends' }, production_pointers: [{ id: pointerId }] });

    clock.set(new Date('2026-12-30T06:00:00Z'));
    await watch();
    await watch();
    expect((await warningsOf(openai.id)).map((w) => w.threshold_days)).toEqual([30, 7]);
    expect(await warningsOf(together.id)).toEqual([]);

    const audit = await db.selectFrom('audit_events').select(['action', 'actor_id']).where('resource_id', '=', openai.id).where('action', '=', MODEL_RETIREMENT_WARNING).execute();
    expect(audit).toEqual([
      { action: MODEL_RETIREMENT_WARNING, actor_id: 'ftm-retirement-watch' },
      { action: MODEL_RETIREMENT_WARNING, actor_id: 'ftm-retirement-watch' },
    ]);
    expect(isDeliverableEventType(MODEL_RETIREMENT_WARNING)).toBe(true);
  });

  it('sends one warning, for the nearest threshold, to a version registered after several have passed; none to a retired one', async () => {
    const { register, deps, ctx } = await setup('2027-01-02T00:00:00Z');
    const late = await register('openai', 'gpt-4.1-mini-2025-04-14');
    const retired = await register('openai', 'gpt-4.1-mini-2025-04-14');
    await db.updateTable('model_versions').set({ status: 'retired' }).where('id', '=', retired.id).execute();
    await warnModelRetirements(deps, { thresholdsDays: [30, 7] });
    expect((await warningsOf(late.id)).map((w) => w.threshold_days)).toEqual([7]);
    expect(await warningsOf(retired.id)).toEqual([]);
    ctx.clock.advance(3_600_000);
    await warnModelRetirements(deps, { thresholdsDays: [30, 7] });
    expect(await warningsOf(late.id)).toHaveLength(1);
  });

  it('runs on the monitoring leader tick, at most once per check interval', async () => {
    const { register, clock } = await setup('2026-12-20T00:00:00Z');
    const version = await register('openai', 'gpt-4o-2024-08-06');
    const kit = promotionKit({ db, clock });
    const scheduler = kit.service.createScheduler({ owner: `w-${uuidv7()}`, retirementWarningDays: [30], retirementCheckEveryMs: 3_600_000 });
    expect((await scheduler.tick()).warned).toBeGreaterThanOrEqual(1);
    expect(await warningsOf(version.id)).toHaveLength(1);
    const version2 = await register('openai', 'gpt-4o-2024-08-06');
    clock.advance(60_000);
    expect((await scheduler.tick()).warned).toBe(0);
    expect(await warningsOf(version2.id)).toHaveLength(0);
    clock.advance(3_600_000);
    expect((await scheduler.tick()).warned).toBe(1);
    expect(await warningsOf(version2.id)).toHaveLength(1);
    await scheduler.stop();
  });
});
