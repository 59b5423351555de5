/**
 * Test support for the promotion, pointer and monitoring routes: the real app (PGlite unless a
 * database is given, filesystem blobs, local queue, the embedded default services), two seeded
 * tenants with admin, member and project-scoped keys, and every response checked against the
 * contract.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createFtm, FsBlobStore, openQueue, uuidv7, type ApprovalHooks, type Ftm, type PointerChangeBus, type PromotionsService } from '@ftm/core';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { ContractValidator } from '../../../../test/support/contract-validator.js';
import { seedKeys, type TestTenant } from '../../../../test/support/test-app.js';
import { buildApp } from '../../../app.js';
import { createLogger } from '../../../http/logger.js';

/** A seeded tenant and its keys. */
export type RouteTenant = TestTenant;

export interface PointerTestApp {
  readonly app: FastifyInstance;
  readonly ftm: Ftm;
  readonly promotions: PromotionsService;
  readonly hooks: ApprovalHooks;
  readonly a: RouteTenant;
  readonly b: RouteTenant;
  readonly testDb: TestDatabase;
  /** `app.inject` with a bearer key and, on POST/PATCH, a fresh Idempotency-Key; the response is checked against the contract under `route`. */
  call(key: string | null, route: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Contract violations seen so far. */
  readonly problems: string[];
  close(): Promise<void>;
}

/** Builds the app (which serves these routes from `ftm.promotions`) on a fresh database. */
export async function createPointerTestApp(options: { database?: TestDatabase; bus?: PointerChangeBus } = {}): Promise<PointerTestApp> {
  const testDb = options.database ?? (await createPgliteTestDatabase());
  const blobDir = await mkdtemp(join(tmpdir(), 'ftm-pointer-routes-'));
  const ftm = createFtm({
    database: testDb.database,
    blobs: new FsBlobStore({ root: blobDir }),
    queue: openQueue({ type: 'local', database: testDb.database }),
    ...(options.bus ? { promotions: { bus: options.bus } } : {}),
  });
  const promotions = ftm.promotions;
  const hooks = ftm.fineTuning.deps.approvalHooks;
  const app = await buildApp({
    config: { corsOrigins: ['https://app.example.com'], bodyLimitBytes: 64 * 1024 },
    ftm,
    logger: createLogger({ level: 'silent' }),
  });
  await app.ready();
  const [a, b] = [await seedKeys(ftm), await seedKeys(ftm)];
  const contract = new ContractValidator();
  const problems: string[] = [];
  return {
    app,
    ftm,
    promotions,
    hooks,
    a,
    b,
    testDb,
    problems,
    call: async (key, route, o) => {
      const headers: Record<string, string> = { ...(o.headers as Record<string, string> | undefined) };
      if (key) headers.authorization = `Bearer ${key}`;
      const method = (o.method ?? 'GET').toUpperCase();
      if ((method === 'POST' || method === 'PATCH') && !('idempotency-key' in headers)) headers['idempotency-key'] = uuidv7();
      const res = await app.inject({ ...o, method: method as InjectOptions['method'], headers });
      problems.push(...contract.check(method, route, res));
      return res;
    },
    close: async () => {
      await app.close();
      await ftm.close().catch(() => undefined);
      await testDb.dispose().catch(() => undefined);
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}
