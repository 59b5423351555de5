/**
 * The one harness for server tests: a real app per test file on PGlite (or the database given),
 * filesystem blobs, the local queue, a silent logger, and two seeded tenants each with an admin, a
 * member and a project-scoped key. Requests go through `app.inject`; every answer is checked against
 * docs/openapi.yaml by the server's contract hook (packages/server/test/support/contract-setup.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createFtm, FsBlobStore, openQueue, uuidv7, type CreateFtmOptions, type Ftm } from '@ftm/core';
import { buildApp, createLogger, type BuildAppOptions } from '@ftm/server';
import { createPgliteTestDatabase, type TestDatabase } from './databases.js';
import { seedTenant, testContext } from './fixtures.js';

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
  readonly database: TestDatabase;
  readonly a: TestTenant;
  readonly b: TestTenant;
  /** `app.inject` with a bearer key and, on POST/PUT/PATCH, a fresh Idempotency-Key unless given. */
  request(key: string | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Options of {@link buildTestApp}: the server config over the test defaults, and further buildApp options. */
export interface BuildTestAppOptions {
  readonly config?: Partial<BuildAppOptions['config']>;
  /** A logger (silent unless given), routes, a tracer, metrics… */
  readonly app?: Partial<Omit<BuildAppOptions, 'config' | 'ftm'>>;
}

/** Options of {@link createTestApp}. */
export interface CreateTestAppOptions extends BuildTestAppOptions {
  /** The database (closed with the app); a fresh PGlite unless given. */
  readonly database?: TestDatabase;
  /** The blob store; filesystem blobs in a temporary directory unless given. */
  readonly blobs?: CreateFtmOptions['blobs'];
  /** Further createFtm options (providers, a secrets keyring…). */
  readonly ftm?: Partial<Omit<CreateFtmOptions, 'database' | 'blobs' | 'queue'>>;
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

/** `app.inject` with a bearer key (none when null) and, on POST/PUT/PATCH, a fresh Idempotency-Key unless the headers carry one. */
export function injectAs(app: FastifyInstance, key: string | null, options: InjectOptions): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
  if (key) headers.authorization = `Bearer ${key}`;
  const method = (options.method ?? 'GET').toUpperCase();
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && !('idempotency-key' in headers)) headers['idempotency-key'] = uuidv7();
  return app.inject({ ...options, headers });
}

/** An app over an existing `ftm` (another config, logger or metrics on the same database), ready. */
export async function buildTestApp(ftm: Ftm, options: BuildTestAppOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp({
    config: { corsOrigins: ['https://app.example.com'], bodyLimitBytes: 1024 * 1024, ...options.config },
    ftm,
    logger: createLogger({ level: 'silent' }),
    ...options.app,
  });
  await app.ready();
  return app;
}

/** Builds the app on a fresh database (PGlite unless `database` is given) and seeds tenants `a` and `b`. */
export async function createTestApp(options: CreateTestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createPgliteTestDatabase());
  const blobDir = options.blobs ? undefined : await mkdtemp(join(tmpdir(), 'ftm-server-test-'));
  const blobs = options.blobs ?? new FsBlobStore({ root: blobDir! });
  const ftm = createFtm({ database: database.database, blobs, queue: openQueue({ type: 'local', database: database.database }), ...options.ftm });
  const app = await buildTestApp(ftm, options);
  const [a, b] = [await seedKeys(ftm), await seedKeys(ftm)];
  return {
    app,
    ftm,
    database,
    a,
    b,
    request: (key, o) => injectAs(app, key, o),
    close: async () => {
      await app.close();
      await ftm.close().catch(() => undefined);
      await database.dispose().catch(() => undefined);
      if (blobDir) await rm(blobDir, { recursive: true, force: true });
    },
  };
}

/** A valid model version body with unique provider ids. */
let counter = 0;
export function modelVersionBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return { name: `support-bot-${counter}`, provider: 'openai', provider_model_id: `ft:gpt-4o-mini:acme::${uuidv7()}`, base_model: 'gpt-4o-mini', ...extra };
}
