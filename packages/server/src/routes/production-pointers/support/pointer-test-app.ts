/**
 * Test support for the promotion, pointer and monitoring routes: the real app (PGlite unless a
 * database is given, filesystem blobs, local queue, the embedded default services), two seeded
 * tenants with admin, member and project-scoped keys, and every response checked against the
 * contract.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ApprovalHooks, Ftm, PointerChangeBus, PromotionsService } from '@ftm/core';
import type { TestDatabase } from '@ftm/test-support/databases';
import { ContractValidator } from '../../../../test/support/contract-validator.js';
import { createTestApp, type TestTenant } from '@ftm/test-support/server-app';

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
  const t = await createTestApp({
    ...(options.database ? { database: options.database } : {}),
    ...(options.bus ? { ftm: { promotions: { bus: options.bus } } } : {}),
    config: { bodyLimitBytes: 64 * 1024 },
  });
  const contract = new ContractValidator();
  const problems: string[] = [];
  return {
    app: t.app,
    ftm: t.ftm,
    promotions: t.ftm.promotions,
    hooks: t.ftm.fineTuning.deps.approvalHooks,
    a: t.a,
    b: t.b,
    testDb: t.database,
    problems,
    call: async (key, route, o) => {
      const method = (o.method ?? 'GET').toUpperCase();
      const res = await t.request(key, { ...o, method: method as InjectOptions['method'] });
      problems.push(...contract.check(method, route, res));
      return res;
    },
    close: () => t.close(),
  };
}
