/**
 * One real app per test file: PGlite (or PostgreSQL), filesystem blobs, the local queue, a silent
 * logger, and two seeded tenants each with an admin and a member key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createFtm, FsBlobStore, openQueue, uuidv7, type CreateFtmOptions, type Ftm } from '@ftm/core';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import { createLogger } from '../../src/http/logger.js';

/** A seeded tenant with its keys. */
export interface TestTenant {
  readonly tenantId: string;
  readonly projectId: string;
  readonly adminKey: string;
  readonly memberKey: string;
  /** Member key limited to the tenant's default project. */
  readonly scopedKey: string;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly ftm: Ftm;
  readonly a: TestTenant;
  readonly b: TestTenant;
  /** `app.inject` with a bearer key and, on POST/PUT/PATCH, a fresh Idempotency-Key unless given. */
  request(key: string | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A new tenant with an admin, a member and a project-scoped member key. */
export async function seedKeys(ftm: Ftm): Promise<TestTenant> {
  const { tenantId, projectId } = await seedTenant(ftm.database);
  const admin = testContext({ tenantId, role: 'admin' });
  const adminKey = (await ftm.auth.createApiKey(admin, { name: 'admin', role: 'admin' })).secret;
  const memberKey = (await ftm.auth.createApiKey(admin, { name: 'member', role: 'member' })).secret;
  const scopedKey = (await ftm.auth.createApiKey(admin, { name: 'scoped', role: 'member', project_id: projectId })).secret;
  return { tenantId, projectId, adminKey, memberKey, scopedKey };
}

/** Builds the app on a fresh database (PGlite unless `database` is given). */
export async function createTestApp(
  options: {
    database?: TestDatabase;
    bodyLimitBytes?: number;
    otlp?: BuildAppOptions['config']['otlp'];
    app?: Partial<Pick<BuildAppOptions, 'logger' | 'routes' | 'tracer'>>;
    /** Further createFtm options (providers, a secrets keyring…). */
    ftm?: Partial<Omit<CreateFtmOptions, 'database' | 'blobs' | 'queue'>>;
  } = {},
): Promise<TestApp> {
  const t = options.database ?? (await createPgliteTestDatabase());
  const blobDir = await mkdtemp(join(tmpdir(), 'ftm-server-test-'));
  const ftm = createFtm({ database: t.database, blobs: new FsBlobStore({ root: blobDir }), queue: openQueue({ type: 'local', database: t.database }), ...options.ftm });
  const app = await buildApp({
    config: { corsOrigins: ['https://app.example.com'], bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024, ...(options.otlp ? { otlp: options.otlp } : {}) },
    ftm,
    logger: createLogger({ level: 'silent' }),
    ...options.app,
  });
  await app.ready();
  const [a, b] = [await seedKeys(ftm), await seedKeys(ftm)];
  return {
    app,
    ftm,
    a,
    b,
    request: (key, o) => {
      const headers: Record<string, string> = { ...(o.headers as Record<string, string> | undefined) };
      if (key) headers.authorization = `Bearer ${key}`;
      const method = (o.method ?? 'GET').toUpperCase();
      if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && !('idempotency-key' in headers)) headers['idempotency-key'] = uuidv7();
      return app.inject({ ...o, headers });
    },
    close: async () => {
      await app.close();
      await ftm.close().catch(() => undefined);
      await t.dispose().catch(() => undefined);
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

/** A valid model version body with unique provider ids. */
let counter = 0;
export function modelVersionBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return { name: `support-bot-${counter}`, provider: 'openai', provider_model_id: `ft:gpt-4o-mini:acme::${uuidv7()}`, base_model: 'gpt-4o-mini', ...extra };
}
