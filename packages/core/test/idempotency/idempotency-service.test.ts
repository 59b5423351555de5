import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, type SeededTenant } from '@ftm/test-support/fixtures';
import { IdempotencyService } from '../../src/idempotency/idempotency-service.js';
import { fingerprintRequest } from '../../src/idempotency/request-fingerprint.js';
import { ManualClock } from '../../src/shared/clock.js';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, ValidationError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';

const req = (body: unknown = { name: 'a' }) => ({ method: 'POST', path: '/model-versions', body });
const ok = { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' };

describe.each(storeAdapters)('idempotency on $name', ({ create }) => {
  let t: TestDatabase;
  let tenant: SeededTenant;
  let clock: ManualClock;
  let service: IdempotencyService;
  beforeAll(async () => {
    t = await create();
    tenant = await seedTenant(t.database);
    clock = new ManualClock();
    service = new IdempotencyService({ db: t.database.db, clock, lockMs: 60_000 });
  });
  afterAll(async () => t?.dispose());

  it('lets the first request proceed and replays its stored response to a repeat', async () => {
    const key = uuidv7();
    const first = await service.begin(tenant.tenantId, key, req());
    expect(first.kind).toBe('proceed');
    if (first.kind !== 'proceed') return;
    await service.complete(first.claim, ok);
    await expect(service.begin(tenant.tenantId, key, req())).resolves.toEqual({ kind: 'replay', response: ok });
  });

  it('refuses the same key with a different body', async () => {
    const key = uuidv7();
    const first = await service.begin(tenant.tenantId, key, req({ name: 'a' }));
    if (first.kind === 'proceed') await service.complete(first.claim, ok);
    await expect(service.begin(tenant.tenantId, key, req({ name: 'b' }))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('refuses the same key on another path', async () => {
    const key = uuidv7();
    await service.begin(tenant.tenantId, key, req());
    await expect(service.begin(tenant.tenantId, key, { ...req(), path: '/projects' })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('answers in flight while the first request is still running', async () => {
    const key = uuidv7();
    await service.begin(tenant.tenantId, key, req());
    await expect(service.begin(tenant.tenantId, key, req())).rejects.toBeInstanceOf(IdempotencyKeyInFlightError);
  });

  it('lets a retry take over a key whose holder died, once its lock lapsed', async () => {
    const key = uuidv7();
    await service.begin(tenant.tenantId, key, req());
    clock.advance(61_000);
    expect((await service.begin(tenant.tenantId, key, req())).kind).toBe('proceed');
    await expect(service.begin(tenant.tenantId, key, req())).rejects.toBeInstanceOf(IdempotencyKeyInFlightError);
  });

  it('runs a retry for real after the key was released', async () => {
    const key = uuidv7();
    const first = await service.begin(tenant.tenantId, key, req());
    if (first.kind !== 'proceed') throw new Error('expected to proceed');
    await service.release(first.claim);
    expect((await service.begin(tenant.tenantId, key, req({ name: 'changed' }))).kind).toBe('proceed');
  });

  it('forgets keys after 24 hours and purges their records', async () => {
    const key = uuidv7();
    const first = await service.begin(tenant.tenantId, key, req());
    if (first.kind === 'proceed') await service.complete(first.claim, ok);
    clock.advance(24 * 60 * 60 * 1000 + 1);
    expect((await service.begin(tenant.tenantId, key, req({ other: true }))).kind).toBe('proceed');
    const stale = uuidv7();
    await service.begin(tenant.tenantId, stale, req());
    clock.advance(24 * 60 * 60 * 1000 + 1);
    expect(await service.purgeExpired()).toBeGreaterThanOrEqual(1);
    const left = await t.database.db.selectFrom('idempotency_records').select('key').where('key', '=', stale).execute();
    expect(left).toEqual([]);
  });

  it('scopes keys per tenant', async () => {
    const other = await seedTenant(t.database);
    const key = uuidv7();
    expect((await service.begin(tenant.tenantId, key, req())).kind).toBe('proceed');
    expect((await service.begin(other.tenantId, key, req({ different: 1 }))).kind).toBe('proceed');
  });

  it('lets exactly one of 20 concurrent identical requests proceed', async () => {
    const key = uuidv7();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => service.begin(tenant.tenantId, key, req())));
    const proceeded = results.filter((r) => r.status === 'fulfilled' && r.value.kind === 'proceed');
    const inFlight = results.filter((r) => r.status === 'rejected' && r.reason instanceof IdempotencyKeyInFlightError);
    expect(proceeded).toHaveLength(1);
    expect(inFlight).toHaveLength(19);
  });

  it('refuses empty, overlong and non-ASCII keys', async () => {
    for (const bad of ['', 'x'.repeat(256), 'clé', 'has space']) {
      await expect(service.begin(tenant.tenantId, bad, req())).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('request fingerprint', () => {
  it('ignores key order and undefined fields but not values', () => {
    const a = fingerprintRequest({ method: 'post', path: '/p', body: { a: 1, b: { c: 2, d: [1, 2] } } });
    const b = fingerprintRequest({ method: 'POST', path: '/p', body: { b: { d: [1, 2], c: 2 }, a: 1, e: undefined } });
    expect(a).toBe(b);
    expect(fingerprintRequest({ method: 'POST', path: '/p', body: { a: 2 } })).not.toBe(fingerprintRequest({ method: 'POST', path: '/p', body: { a: 1 } }));
    expect(fingerprintRequest({ method: 'POST', path: '/p', body: [2, 1] })).not.toBe(fingerprintRequest({ method: 'POST', path: '/p', body: [1, 2] }));
  });
});
