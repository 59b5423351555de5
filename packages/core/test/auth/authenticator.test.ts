import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type SeededTenant } from '@ftm/test-support/fixtures';
import { createApiKey } from '../../src/auth/create-api-key.js';
import { revokeApiKey } from '../../src/auth/revoke-api-key.js';
import { Authenticator } from '../../src/auth/authenticator.js';
import { LocalKeyValidator } from '../../src/auth/local-key-validator.js';
import { LastUsedTracker } from '../../src/auth/last-used-tracker.js';
import { generateApiKey } from '../../src/auth/api-key-secret.js';
import type { KeyValidator } from '../../src/auth/principal.js';
import { ManualClock } from '../../src/shared/clock.js';
import { UnauthorizedError } from '../../src/shared/errors.js';
import { silentLogger } from '../../src/shared/logger.js';

let t: TestDatabase;
let tenant: SeededTenant;
const clock = new ManualClock();

function countingValidator(): KeyValidator & { calls: number } {
  const inner = new LocalKeyValidator(t.database.db, clock);
  const v = {
    calls: 0,
    validate: (secret: string, hash: string) => {
      v.calls += 1;
      return inner.validate(secret, hash);
    },
  };
  return v;
}
const admin = () => testContext({ tenantId: tenant.tenantId, role: 'admin', clock });

beforeAll(async () => {
  t = await createPgliteTestDatabase();
  tenant = await seedTenant(t.database);
});
afterAll(async () => t?.dispose());

describe('authenticator', () => {
  it('resolves a key to its tenant, project scope and role', async () => {
    const key = await createApiKey(t.database.db, admin(), { name: 'm', role: 'member', project_id: tenant.projectId });
    const auth = new Authenticator({ validator: countingValidator(), clock });
    await expect(auth.authenticate(key.secret)).resolves.toMatchObject({
      tenantId: tenant.tenantId,
      projectId: tenant.projectId,
      role: 'member',
      actor: { type: 'api_key', id: key.id, role: 'member' },
    });
  });

  it('answers a warm key synchronously from the cache, and only from the cache', async () => {
    const key = await createApiKey(t.database.db, admin(), { name: 'sync' });
    const validator = countingValidator();
    const auth = new Authenticator({ validator, clock, cacheTtlMs: 30_000, negativeCacheTtlMs: 5_000 });
    expect(auth.authenticateCached(key.secret)).toBeUndefined();
    expect(validator.calls).toBe(0);
    const principal = await auth.authenticate(key.secret);
    expect(auth.authenticateCached(key.secret)).toEqual(principal);
    const unknown = generateApiKey().secret;
    await expect(auth.authenticate(unknown)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(() => auth.authenticateCached(unknown)).toThrow(UnauthorizedError);
    clock.advance(30_001);
    expect(auth.authenticateCached(key.secret)).toBeUndefined();
    expect(auth.authenticateCached(unknown)).toBeUndefined();
    expect(validator.calls).toBe(2);
  });

  it('asks the database once per key while the cache entry lives, also for concurrent requests', async () => {
    const key = await createApiKey(t.database.db, admin(), { name: 'cached' });
    const validator = countingValidator();
    const auth = new Authenticator({ validator, clock, cacheTtlMs: 30_000 });
    await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(key.secret)));
    await auth.authenticate(key.secret);
    expect(validator.calls).toBe(1);
    clock.advance(30_001);
    await auth.authenticate(key.secret);
    expect(validator.calls).toBe(2);
  });

  it('refuses unknown and malformed secrets without leaking which', async () => {
    const auth = new Authenticator({ validator: countingValidator(), clock });
    await expect(auth.authenticate(generateApiKey().secret)).rejects.toThrow(new UnauthorizedError('the API key is not valid'));
    await expect(auth.authenticate('Bearer nonsense')).rejects.toThrow(new UnauthorizedError('the API key is not valid'));
  });

  it('stops accepting a key revoked on this instance at once', async () => {
    const key = await createApiKey(t.database.db, admin(), { name: 'r' });
    const auth = new Authenticator({ validator: countingValidator(), clock });
    await auth.authenticate(key.secret);
    await revokeApiKey(t.database.db, admin(), key.id);
    auth.invalidateKey(key.id);
    await expect(auth.authenticate(key.secret)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('lets another instance accept a revoked key only until its cache entry expires', async () => {
    const key = await createApiKey(t.database.db, admin(), { name: 'r2' });
    const otherInstance = new Authenticator({ validator: countingValidator(), clock, cacheTtlMs: 30_000 });
    await otherInstance.authenticate(key.secret);
    await revokeApiKey(t.database.db, admin(), key.id);
    await expect(otherInstance.authenticate(key.secret)).resolves.toBeDefined();
    clock.advance(30_001);
    await expect(otherInstance.authenticate(key.secret)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a cached key once its expiry passes', async () => {
    const expires = new Date(clock.now().getTime() + 10_000).toISOString();
    const key = await createApiKey(t.database.db, admin(), { name: 'short', expires_at: expires });
    const auth = new Authenticator({ validator: countingValidator(), clock, cacheTtlMs: 60_000 });
    await auth.authenticate(key.secret);
    clock.advance(10_000);
    await expect(auth.authenticate(key.secret)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('last used tracker', () => {
  it('writes a key’s last use at most once per window', async () => {
    const key = await createApiKey(t.database.db, admin(), { name: 'lu' });
    const tracker = new LastUsedTracker({ db: t.database.db, clock, logger: silentLogger, resolutionMs: 60_000 });
    const firstUse = clock.now();
    tracker.touch(key.id);
    clock.advance(1_000);
    tracker.touch(key.id);
    await tracker.flush();
    const row = await t.database.db.selectFrom('api_keys').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(new Date(row.last_used_at!).toISOString()).toBe(firstUse.toISOString());
    clock.advance(60_000);
    tracker.touch(key.id);
    await tracker.flush();
    const later = await t.database.db.selectFrom('api_keys').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(new Date(later.last_used_at!).getTime()).toBe(clock.now().getTime());
  });
});
