import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type SeededTenant } from '@ftm/test-support/fixtures';
import { createApiKey } from '../../src/auth/create-api-key.js';
import { listApiKeys } from '../../src/auth/list-api-keys.js';
import { revokeApiKey } from '../../src/auth/revoke-api-key.js';
import { ensureBootstrap } from '../../src/auth/ensure-bootstrap.js';
import { createProject } from '../../src/auth/create-project.js';
import { listProjects } from '../../src/auth/list-projects.js';
import { hashApiKey, looksLikeLocalApiKey } from '../../src/auth/api-key-secret.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/shared/errors.js';
import { ManualClock } from '../../src/shared/clock.js';
import { uuidv7Generator } from '../../src/shared/ids.js';
import { silentLogger } from '../../src/shared/logger.js';

let t: TestDatabase;
let a: SeededTenant;
let b: SeededTenant;

beforeAll(async () => {
  t = await createPgliteTestDatabase();
  a = await seedTenant(t.database);
  b = await seedTenant(t.database);
});
afterAll(async () => t?.dispose());

const admin = (tenant: SeededTenant, projectId: string | null = null) => testContext({ tenantId: tenant.tenantId, role: 'admin', projectId });

describe('API key management', () => {
  it('returns the secret once and stores only its SHA-256', async () => {
    const key = await createApiKey(t.database.db, admin(a), { name: 'ci' });
    expect(looksLikeLocalApiKey(key.secret)).toBe(true);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    const row = await t.database.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashApiKey(key.secret));
    const listed = (await listApiKeys(t.database.db, admin(a), {})).data.find((k) => k.id === key.id);
    expect(listed).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(key.secret.slice(12));
    expect(listed).not.toHaveProperty('key_hash');
    expect(listed).not.toHaveProperty('secret');
  });

  it('writes an event and an audit row that never contain the secret', async () => {
    const key = await createApiKey(t.database.db, admin(a), { name: 'audited' });
    const events = await t.database.db.selectFrom('outbox_events').selectAll().where('resource_id', '=', key.id).execute();
    const audits = await t.database.db.selectFrom('audit_events').selectAll().where('resource_id', '=', key.id).execute();
    expect(events.map((e) => e.type)).toEqual(['api_key.created']);
    expect(audits.map((x) => x.action)).toEqual(['api_key.create']);
    expect(JSON.stringify([events, audits])).not.toContain(key.secret);
  });

  it('refuses members', async () => {
    await expect(createApiKey(t.database.db, testContext({ tenantId: a.tenantId }), { name: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listApiKeys(t.database.db, testContext({ tenantId: a.tenantId }), {})).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses an expiry in the past and unknown fields', async () => {
    await expect(createApiKey(t.database.db, admin(a), { name: 'x', expires_at: '2020-01-01T00:00:00Z' })).rejects.toBeInstanceOf(ValidationError);
    await expect(createApiKey(t.database.db, admin(a), { name: 'x', scopes: ['all'] })).rejects.toBeInstanceOf(ValidationError);
  });

  it("keeps a project-scoped admin's keys inside its project", async () => {
    const scoped = admin(a, a.projectId);
    const key = await createApiKey(t.database.db, scoped, { name: 'scoped' });
    expect(key.project_id).toBe(a.projectId);
    const other = await createProject(t.database.db, admin(a), { name: 'elsewhere' });
    await expect(createApiKey(t.database.db, scoped, { name: 'x', project_id: other.id })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await listApiKeys(t.database.db, scoped, {})).data.every((k) => k.project_id === a.projectId)).toBe(true);
  });

  it("does not see, revoke or scope keys to another tenant's resources", async () => {
    const key = await createApiKey(t.database.db, admin(a), { name: 'private' });
    await expect(revokeApiKey(t.database.db, admin(b), key.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listApiKeys(t.database.db, admin(b), { limit: '100' })).data.map((k) => k.id)).not.toContain(key.id);
    await expect(createApiKey(t.database.db, admin(b), { name: 'x', project_id: a.projectId })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('revokes once and returns the revoked key on a repeat', async () => {
    const key = await createApiKey(t.database.db, admin(a), { name: 'to-revoke' });
    const revoked = await revokeApiKey(t.database.db, admin(a), key.id);
    expect(revoked.revoked_at).not.toBeNull();
    expect(await revokeApiKey(t.database.db, admin(a), key.id)).toEqual(revoked);
    expect((await listApiKeys(t.database.db, admin(a), { limit: '200' })).data.map((k) => k.id)).not.toContain(key.id);
    expect((await listApiKeys(t.database.db, admin(a), { limit: '200', include_revoked: 'true' })).data.map((k) => k.id)).toContain(key.id);
    const audits = await t.database.db.selectFrom('audit_events').select('action').where('resource_id', '=', key.id).execute();
    expect(audits.map((x) => x.action).sort()).toEqual(['api_key.create', 'api_key.revoke']);
  });
});

describe('projects', () => {
  it('creates unique names per tenant and lists newest first', async () => {
    const p = await createProject(t.database.db, admin(b), { name: 'search' });
    await expect(createProject(t.database.db, admin(b), { name: 'search' })).rejects.toBeInstanceOf(ConflictError);
    await expect(createProject(t.database.db, admin(a), { name: 'search' })).resolves.toMatchObject({ name: 'search' });
    expect((await listProjects(t.database.db, admin(b), {})).data[0]).toEqual(p);
  });

  it('lets only tenant-wide admins create projects, and shows scoped keys their own project only', async () => {
    await expect(createProject(t.database.db, testContext({ tenantId: a.tenantId }), { name: 'm' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createProject(t.database.db, admin(a, a.projectId), { name: 'm' })).rejects.toBeInstanceOf(ForbiddenError);
    const seen = await listProjects(t.database.db, testContext({ tenantId: a.tenantId, projectId: a.projectId }), {});
    expect(seen.data.map((p) => p.id)).toEqual([a.projectId]);
  });
});

describe('bootstrap', () => {
  it('creates the default tenant, project and an admin key exactly once, even when started twice at once', async () => {
    const fresh = await createPgliteTestDatabase();
    try {
      const ctx = { actor: { type: 'system', id: 'bootstrap', role: 'admin' }, requestId: 'boot', clock: new ManualClock(), ids: uuidv7Generator, logger: silentLogger } as const;
      const results = await Promise.all([ensureBootstrap(fresh.database.db, ctx), ensureBootstrap(fresh.database.db, ctx)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const created = results.find((r) => r.created);
      if (!created?.created) throw new Error('expected a bootstrap');
      expect(created.adminKey.role).toBe('admin');
      expect(looksLikeLocalApiKey(created.adminKey.secret)).toBe(true);
      expect(await ensureBootstrap(fresh.database.db, ctx)).toEqual({ created: false });
      const tenants = await fresh.database.db.selectFrom('tenants').selectAll().execute();
      expect(tenants.map((x) => x.name)).toEqual(['default']);
    } finally {
      await fresh.dispose();
    }
  });
});
