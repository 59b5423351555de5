/**
 * Promotions on a real database: the promotion deps wired like the embedded default (built-in
 * TRiSM, a local governance policy, the local approvals flow, an in-process change bus) and
 * helpers that seed model versions, suites and completed eval runs with chosen per-case scores.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../../src/db/schema.js';
import { ApprovalHooks } from '../../../src/approvals/approval-hooks.js';
import type { PrismGateway } from '../../../src/approvals/prism-gateway.js';
import { LocalGovernanceEngine } from '../../../src/governance/local-governance-engine.js';
import type { GovernancePolicy } from '../../../src/governance/governance-policy.js';
import { BuiltinSanitizer } from '../../../src/sanitization/builtin-sanitizer.js';
import type { PointerChangeBus } from '../../../src/pointers/pointer-change-bus.js';
import { InProcessPointerChangeBus } from '../../../src/adapters/local/in-process-pointer-change-bus.js';
import { createPromotionsService, type PromotionsService } from '../../../src/promotions-service.js';
import type { StartEvalRun } from '../../../src/monitoring/monitoring-deps.js';
import { createModelVersion } from '../../../src/registry/create-model-version.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { uuidv7, uuidv7Generator } from '../../../src/shared/ids.js';
import { silentLogger } from '../../../src/shared/logger.js';
import type { ServiceContext } from '../../../src/shared/context.js';

export interface PromotionKitOptions {
  readonly db: Kysely<DB>;
  readonly policy?: GovernancePolicy;
  readonly prism?: PrismGateway | null;
  readonly bus?: PointerChangeBus;
  readonly clock?: ManualClock;
  readonly startEvalRun?: StartEvalRun;
}

export interface PromotionKit {
  readonly service: PromotionsService;
  readonly hooks: ApprovalHooks;
  readonly clock: ManualClock;
  readonly bus: PointerChangeBus;
}

const refuseEvalRuns: StartEvalRun = async () => {
  throw new Error('this test starts no eval runs');
};

/** The promotions service over `db` with test-friendly adapters. */
export function promotionKit(options: PromotionKitOptions): PromotionKit {
  const clock = options.clock ?? new ManualClock(new Date('2026-03-01T00:00:00Z'));
  const hooks = new ApprovalHooks();
  const bus = options.bus ?? new InProcessPointerChangeBus();
  const service = createPromotionsService({
    db: options.db,
    governance: new LocalGovernanceEngine(options.policy ?? { version: 1, default: 'allow', rules: [] }),
    sanitizer: new BuiltinSanitizer(),
    prism: options.prism ?? null,
    bus,
    approvalHooks: hooks,
    clock,
    monitoring: { startEvalRun: options.startEvalRun ?? refuseEvalRuns, clock, ids: uuidv7Generator, logger: silentLogger },
  });
  return { service, hooks, clock, bus };
}

/** Registers a candidate model version. */
export async function seedVersion(db: Kysely<DB>, ctx: ServiceContext, name = `v-${uuidv7().slice(-8)}`): Promise<string> {
  const v = await createModelVersion(db, ctx, { name, provider: 'simulated', provider_model_id: `ft:gpt-4o-mini:ftm-sim:${name}:${uuidv7().slice(-8)}`, base_model: 'gpt-4o-mini-2024-07-18' });
  return v.id;
}

/** A suite version with `cases` cases (its rows only: runs are seeded directly). */
export async function seedSuite(db: Kysely<DB>, tenantId: string, cases = 20): Promise<{ suiteId: string; caseIds: string[] }> {
  const suiteId = uuidv7();
  await db
    .insertInto('eval_suites')
    .values({ id: suiteId, tenant_id: tenantId, suite_group_id: suiteId, name: 'support', graders: JSON.stringify([{ type: 'contains', values: ['x'] }]), case_count: cases, created_by: 'test' })
    .execute();
  const caseIds = Array.from({ length: cases }, () => uuidv7());
  await db
    .insertInto('eval_cases')
    .values(caseIds.map((id, position) => ({ id, tenant_id: tenantId, eval_suite_id: suiteId, position, input: JSON.stringify({ messages: [{ role: 'user', content: `q${position}` }] }) })))
    .execute();
  return { suiteId, caseIds };
}

/**
 * A completed eval run of a version on a suite, with one result per case: `scores[i]` for case i
 * (cycled when shorter). Its metrics carry the mean score and the given cost.
 */
export async function seedRun(
  db: Kysely<DB>,
  tenantId: string,
  suite: { suiteId: string; caseIds: string[] },
  modelVersionId: string | null,
  scores: readonly number[],
  options: { costUsd?: number; completedAt?: Date } = {},
): Promise<string> {
  const id = uuidv7();
  const per = suite.caseIds.map((_, i) => scores[i % scores.length]!);
  const mean = per.reduce((a, b) => a + b, 0) / per.length;
  const completedAt = options.completedAt ?? new Date();
  await db
    .insertInto('eval_runs')
    .values({
      id,
      tenant_id: tenantId,
      eval_suite_id: suite.suiteId,
      model_ref: JSON.stringify(modelVersionId ? { type: 'ft_model_version', value: modelVersionId } : { type: 'base_model', value: 'gpt-4o-mini' }),
      model_version_id: modelVersionId,
      status: 'completed',
      metrics: JSON.stringify({
        score: mean,
        pass_rate: mean,
        per_grader: {},
        per_tag: {},
        latency_ms: { p50: 1, p95: 1 },
        tokens: { input: 1, output: 1, total: 2 },
        cost_usd: options.costUsd ?? 0.01,
        judge_cost_usd: 0,
      }),
      cost_usd: options.costUsd ?? 0.01,
      created_by: 'test',
      completed_at: completedAt,
    })
    .execute();
  await db
    .insertInto('eval_case_results')
    .values(suite.caseIds.map((caseId, i) => ({ id: uuidv7(), tenant_id: tenantId, eval_run_id: id, case_id: caseId, passed: per[i]! >= 0.5, score: per[i]! })))
    .execute();
  return id;
}
