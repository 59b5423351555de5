import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { ValidationError } from '../../src/shared/errors.js';
import type { PointerChangeBus } from '../../src/pointers/pointer-change-bus.js';
import { InProcessPointerChangeBus } from '../../src/adapters/local/in-process-pointer-change-bus.js';
import { PgNotifyPointerChangeBus } from '../../src/adapters/postgres/pg-notify-pointer-change-bus.js';
import { RedisPointerChangeBus } from '../../src/adapters/redis/redis-pointer-change-bus.js';
import { PointerResolver } from '../../src/pointers/pointer-resolver.js';
import { etagMatches } from '../../src/pointers/resolved-pointer.js';
import { createPgliteTestDatabase, createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { promotionKit, seedRun, seedSuite, seedVersion } from '../promotions/support/promotion-kit.js';

/** Polls until `check` passes or `deadlineMs` is over (the only timing any test here asserts). */
async function within<T>(deadlineMs: number, read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function setup(t: TestDatabase) {
  const db = t.database.db;
  const tenant = await seedTenant(t.database);
  const ctx = testContext({ tenantId: tenant.tenantId, projectId: null });
  const suite = await seedSuite(db, tenant.tenantId, 5);
  const version = async () => {
    const v = await seedVersion(db, ctx);
    await seedRun(db, tenant.tenantId, suite, v, [0.9]);
    return v;
  };
  return { db, tenant, ctx, version };
}

describe('pointer resolver (one process)', () => {
  let t: TestDatabase;
  let s: Awaited<ReturnType<typeof setup>>;
  let bus: PointerChangeBus;
  let resolver: PointerResolver;
  let kit: ReturnType<typeof promotionKit>;

  beforeAll(async () => {
    t = await createPgliteTestDatabase();
    s = await setup(t);
    bus = new InProcessPointerChangeBus();
    kit = promotionKit({ db: s.db, bus });
    resolver = new PointerResolver({ db: s.db, bus });
    await resolver.start();
  });
  afterAll(async () => {
    await resolver.stop();
    await t.dispose();
  });

  it('falls back from assistant to project to global, most specific first', async () => {
    const [g, p, a] = [await s.version(), await s.version(), await s.version()];
    const { ctx, tenant } = s;
    await kit.service.createPromotion(ctx, { model_version_id: g, target: { type: 'global', value: '*' }, min_eval_score: 0 });
    await kit.service.createPromotion(ctx, { model_version_id: p, target: { type: 'project', value: tenant.projectId }, min_eval_score: 0 });
    await kit.service.createPromotion(ctx, { model_version_id: a, target: { type: 'assistant', value: 'helpdesk' }, min_eval_score: 0 });
    expect((await resolver.resolve(ctx, { assistant: 'helpdesk', project: tenant.projectId }))?.body).toMatchObject({ matched: 'assistant', model_version_id: a });
    expect((await resolver.resolve(ctx, { assistant: 'other-bot', project: tenant.projectId }))?.body).toMatchObject({ matched: 'project', model_version_id: p });
    expect((await resolver.resolve(ctx, { assistant: 'other-bot' }))?.body).toMatchObject({ matched: 'global', target: { type: 'global', value: '*' }, model_version_id: g });
  });

  it('answers from memory until a change is announced, then from the database', async () => {
    const { ctx } = s;
    const assistant = `cached-${uuidv7()}`;
    const [v1, v2] = [await s.version(), await s.version()];
    await kit.service.createPromotion(ctx, { model_version_id: v1, target: { type: 'assistant', value: assistant }, min_eval_score: 0 });
    const first = await resolver.resolve(ctx, { assistant });
    // Moved behind the cache's back: the cached answer stands, which shows it is cached.
    await s.db.updateTable('production_pointers').set({ model_version_id: v2, version: 99 }).where('id', '=', first!.body.pointer_id).execute();
    expect((await resolver.resolve(ctx, { assistant }))?.body.model_version_id).toBe(v1);
    await bus.published({ tenantId: ctx.tenantId });
    const after = await resolver.resolve(ctx, { assistant });
    expect(after?.body).toMatchObject({ model_version_id: v2, version: 99 });
    expect(after?.etag).not.toBe(first?.etag);
  });

  it('answers synchronously only what the cache holds: undefined on a miss and after a change', async () => {
    const { ctx } = s;
    const assistant = `sync-${uuidv7()}`;
    const v = await s.version();
    await kit.service.createPromotion(ctx, { model_version_id: v, target: { type: 'assistant', value: assistant }, min_eval_score: 0 });
    expect(resolver.resolveCached(ctx, { assistant })).toBeUndefined();
    const loaded = await resolver.resolve(ctx, { assistant });
    expect(resolver.resolveCached(ctx, { assistant })).toBe(loaded);
    await bus.published({ tenantId: ctx.tenantId });
    expect(resolver.resolveCached(ctx, { assistant })).toBeUndefined();
    expect(() => resolver.resolveCached(ctx, {})).toThrow(ValidationError);
  });

  it('caches "nothing serves this" too, and forgets it when a pointer appears', async () => {
    const other = await seedTenant(s.db);
    const octx = testContext({ tenantId: other.tenantId });
    expect(await resolver.resolve(octx, { assistant: 'nobody' })).toBeNull();
    const suite = await seedSuite(s.db, other.tenantId, 3);
    const v = await seedVersion(s.db, octx);
    await seedRun(s.db, other.tenantId, suite, v, [1]);
    await kit.service.createPromotion(octx, { model_version_id: v, target: { type: 'assistant', value: 'nobody' }, min_eval_score: 0 });
    expect((await resolver.resolve(octx, { assistant: 'nobody' }))?.body.model_version_id).toBe(v);
  });

  it("never answers with another tenant's pointer", async () => {
    const stranger = testContext({ tenantId: (await seedTenant(s.db)).tenantId });
    expect(await resolver.resolve(stranger, { assistant: 'helpdesk' })).toBeNull();
  });

  it('refuses a query naming neither an assistant nor a project, or unknown parameters', async () => {
    await expect(resolver.resolve(s.ctx, {})).rejects.toBeInstanceOf(ValidationError);
    await expect(resolver.resolve(s.ctx, { assistant: 'a', model: 'x' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('reads the database on every call while its bus is down, instead of serving what it cannot keep fresh', async () => {
    const deaf: PointerChangeBus = {
      inTransaction: async () => {},
      published: async () => {},
      subscribe: async (l) => {
        l.onConnected(false);
        return async () => {};
      },
      close: async () => {},
    };
    const blind = new PointerResolver({ db: s.db, bus: deaf });
    await blind.start();
    const [v1, v2] = [await s.version(), await s.version()];
    const p = await kit.service.createPromotion(s.ctx, { model_version_id: v1, target: { type: 'assistant', value: 'deaf' }, min_eval_score: 0 });
    expect((await blind.resolve(s.ctx, { assistant: 'deaf' }))?.body.model_version_id).toBe(v1);
    await s.db.updateTable('production_pointers').set({ model_version_id: v2 }).where('id', '=', p.pointer_id!).execute();
    expect((await blind.resolve(s.ctx, { assistant: 'deaf' }))?.body.model_version_id).toBe(v2);
  });
});

describe('ETags', () => {
  it('match exactly, in lists, weakly, and for *', () => {
    const etag = '"p.3"';
    expect(etagMatches('"p.3"', etag)).toBe(true);
    expect(etagMatches('"x.1", "p.3"', etag)).toBe(true);
    expect(etagMatches('W/"p.3"', etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"p.2"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
  });
});

describe.each([
  { name: 'PostgreSQL LISTEN/NOTIFY', bus: (url: string, _prefix: string) => new PgNotifyPointerChangeBus({ connectionString: url }) },
  { name: 'Redis pub/sub', bus: (_url: string, prefix: string) => new RedisPointerChangeBus({ url: 'redis://127.0.0.1:6379', channelPrefix: prefix }) },
])('two processes sharing one PostgreSQL, changes over $name', ({ bus: makeBus }) => {
  let t: TestDatabase;
  let second: TestDatabase['database'];
  let s: Awaited<ReturnType<typeof setup>>;
  const buses: PointerChangeBus[] = [];
  let resolverB: PointerResolver;
  let kitA: ReturnType<typeof promotionKit>;

  beforeAll(async () => {
    t = await createPostgresTestDatabase();
    s = await setup(t);
    const { openPostgres } = await import('../../src/db/open-database.js');
    // Instance B has its own pool: it learns of A's swaps only through the bus.
    second = openPostgres({ connectionString: t.url! });
    const prefix = `test-${uuidv7()}:`;
    buses.push(makeBus(t.url!, prefix), makeBus(t.url!, prefix));
    kitA = promotionKit({ db: s.db, bus: buses[0]! });
    await kitA.service.start();
    resolverB = new PointerResolver({ db: second.db as Kysely<DB>, bus: buses[1]! });
    await resolverB.start();
  });
  afterAll(async () => {
    await resolverB?.stop();
    for (const b of buses) await b.close();
    await kitA?.service.close();
    await second?.close();
    await t?.dispose();
  });

  it('serves a swap made through the other instance within 1 s', async () => {
    const { ctx } = s;
    const [v1, v2] = [await s.version(), await s.version()];
    const target = { type: 'assistant', value: 'shared' } as const;
    await kitA.service.createPromotion(ctx, { model_version_id: v1, target, min_eval_score: 0 });
    const before = await within(
      1_000,
      () => resolverB.resolve(ctx, { assistant: 'shared' }),
      (r) => r?.body.model_version_id === v1,
    );
    expect(before?.body.model_version_id).toBe(v1);
    // Warm B's cache, then swap through A.
    await resolverB.resolve(ctx, { assistant: 'shared' });
    await kitA.service.createPromotion(ctx, { model_version_id: v2, target, min_eval_score: 0 });
    const after = await within(
      1_000,
      () => resolverB.resolve(ctx, { assistant: 'shared' }),
      (r) => r?.body.model_version_id === v2,
    );
    expect(after?.body).toMatchObject({ model_version_id: v2, version: 2 });
  });
});
