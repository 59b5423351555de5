import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { OrchestratorKeyValidator } from '../../src/adapters/orchestrator/key-validator.js';
import { Authenticator } from '../../src/auth/authenticator.js';
import { ManualClock } from '../../src/shared/clock.js';
import { DependencyUnavailableError, UnauthorizedError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';

const ORCH = 'http://orchestrator.test';
const server = setupServer();
let t: TestDatabase;
const clock = new ManualClock();
const seen: { auth: string | null; body: unknown }[] = [];

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createPgliteTestDatabase();
});
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(async () => {
  server.close();
  await t?.dispose();
});

function answer(body: unknown, status = 200) {
  server.use(
    http.post(`${ORCH}/v1/auth/validate-key`, async ({ request }) => {
      seen.push({ auth: request.headers.get('authorization'), body: await request.json() });
      return HttpResponse.json(body as Record<string, unknown>, { status });
    }),
  );
}

const validator = () => new OrchestratorKeyValidator({ baseUrl: ORCH, apiKey: 'ftm-service-credential', db: t.database.db, clock, sleep: async () => {} });

describe('Orchestrator key validation', () => {
  it('accepts a key the Orchestrator vouches for and creates its unknown tenant locally', async () => {
    const tenantId = uuidv7();
    const projectId = uuidv7();
    answer({ valid: true, tenant_id: tenantId, project_id: projectId, role: 'member', expires_at: null, key_id: 'ok_123' });
    const auth = new Authenticator({ validator: validator(), clock });
    const principal = await auth.authenticate('orch-key-1');
    expect(principal).toMatchObject({ tenantId, projectId, role: 'member', actor: { type: 'orchestrator_key', id: 'ok_123' } });
    expect(seen).toEqual([{ auth: 'Bearer ftm-service-credential', body: { api_key: 'orch-key-1' } }]);
    const tenant = await t.database.db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
    const project = await t.database.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
    expect(tenant?.id).toBe(tenantId);
    expect(project?.tenant_id).toBe(tenantId);
  });

  it('caches the answer briefly so repeated requests do not call the Orchestrator', async () => {
    answer({ valid: true, tenant_id: uuidv7(), project_id: null, role: 'admin', expires_at: null });
    const auth = new Authenticator({ validator: validator(), clock, cacheTtlMs: 10_000 });
    await auth.authenticate('orch-key-2');
    await auth.authenticate('orch-key-2');
    expect(seen).toHaveLength(1);
    clock.advance(10_001);
    await auth.authenticate('orch-key-2');
    expect(seen).toHaveLength(2);
  });

  it('refuses a key the Orchestrator says is not valid', async () => {
    answer({ valid: false });
    const auth = new Authenticator({ validator: validator(), clock });
    await expect(auth.authenticate('orch-bad')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a key whose expiry has passed', async () => {
    answer({ valid: true, tenant_id: uuidv7(), project_id: null, role: 'member', expires_at: '2020-01-01T00:00:00Z' });
    await expect(new Authenticator({ validator: validator(), clock }).authenticate('orch-old')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('reports the Orchestrator unavailable when it keeps failing, and never lets the key in', async () => {
    answer({ error: 'down' }, 503);
    await expect(new Authenticator({ validator: validator(), clock }).authenticate('orch-k')).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('reports the Orchestrator unavailable when it cannot be reached', async () => {
    server.use(http.post(`${ORCH}/v1/auth/validate-key`, () => HttpResponse.error()));
    await expect(validator().validate('k', 'h')).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('reports the Orchestrator unavailable when it refuses FTM’s own credential or answers nonsense', async () => {
    answer({ error: 'unauthorized' }, 401);
    await expect(validator().validate('k', 'h')).rejects.toBeInstanceOf(DependencyUnavailableError);
    answer({ valid: 'yes' });
    await expect(validator().validate('k', 'h')).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
