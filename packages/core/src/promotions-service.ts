import type { Kysely } from 'kysely';
import type { DB } from './db/schema.js';
import type { Page } from './db/pagination.js';
import type { ServiceContext } from './shared/context.js';
import type { Clock } from './shared/clock.js';
import type { ApprovalHooks } from './approvals/approval-hooks.js';
import { PointerResolver, type PointerResolverOptions } from './pointers/pointer-resolver.js';
import { getProductionPointer, listPointerHistory, listProductionPointers } from './pointers/list-production-pointers.js';
import { overrideProductionPointer } from './monitoring/override-production-pointer.js';
import type { PointerHistoryEntry, ProductionPointer } from './pointers/production-pointer.js';
import type { Resolution } from './pointers/resolved-pointer.js';
import { createReEval } from './monitoring/create-re-eval.js';
import { getReEval, listReEvals } from './monitoring/get-re-eval.js';
import { pauseReEval, resumeReEval } from './monitoring/pause-re-eval.js';
import type { MonitoringDeps } from './monitoring/monitoring-deps.js';
import { ReEvalScheduler, type ReEvalSchedulerOptions } from './monitoring/re-eval-scheduler.js';
import type { ReEval } from './monitoring/re-eval.js';
import { createPromotion } from './promotions/create-promotion.js';
import { getPromotion, listPromotions } from './promotions/get-promotion.js';
import { rollbackPromotion } from './promotions/rollback-promotion.js';
import { registerPromotionApprovalHook } from './promotions/promotion-approval-hook.js';
import type { Promotion } from './promotions/promotion.js';
import type { PromotionDeps } from './promotions/promotion-deps.js';

/** What {@link createPromotionsService} wires: the promotion deps, the approval hooks to join, and the eval starter monitoring uses. */
export interface PromotionsConfig extends PromotionDeps {
  /** The process's approval hooks (the fine-tuning service's `deps.approvalHooks`): promotions register theirs. */
  readonly approvalHooks: ApprovalHooks;
  /** Monitoring's eval starter, clock, ids and logger (the bus and database are shared). */
  readonly monitoring: Omit<MonitoringDeps, 'db' | 'bus'>;
  readonly resolver?: Omit<PointerResolverOptions, 'db' | 'bus' | 'clock'>;
  readonly clock?: Clock;
}

/** Promotions, production pointers and monitoring, as the routes and the worker call them. */
export interface PromotionsService {
  readonly resolver: PointerResolver;
  createPromotion(ctx: ServiceContext, input: unknown): Promise<Promotion>;
  getPromotion(ctx: ServiceContext, id: string): Promise<Promotion>;
  listPromotions(ctx: ServiceContext, query: unknown): Promise<Page<Promotion>>;
  rollbackPromotion(ctx: ServiceContext, id: string, input: unknown): Promise<Promotion>;
  listPointers(ctx: ServiceContext, query: unknown): Promise<Page<ProductionPointer>>;
  getPointer(ctx: ServiceContext, id: string): Promise<ProductionPointer>;
  listPointerHistory(ctx: ServiceContext, id: string, query: unknown): Promise<Page<PointerHistoryEntry>>;
  overridePointer(ctx: ServiceContext, id: string, input: unknown): Promise<ProductionPointer>;
  /** The hot path: from the in-process cache (call `start()` first to enable it). */
  resolve(ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>, query: unknown): Promise<Resolution | null>;
  /** The cached answer without I/O (undefined: ask {@link resolve}); bad input throws like resolve. */
  resolveCached(ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>, query: unknown): Resolution | null | undefined;
  createReEval(ctx: ServiceContext, input: unknown): Promise<ReEval>;
  getReEval(ctx: ServiceContext, id: string): Promise<ReEval>;
  listReEvals(ctx: ServiceContext, query: unknown): Promise<Page<ReEval>>;
  pauseReEval(ctx: ServiceContext, id: string): Promise<ReEval>;
  resumeReEval(ctx: ServiceContext, id: string): Promise<ReEval>;
  /** The worker's monitoring loop (one leader across workers). */
  createScheduler(options: Omit<ReEvalSchedulerOptions, 'deps'>): ReEvalScheduler;
  readonly monitoringDeps: MonitoringDeps;
  /** Subscribes the resolve cache to the change bus. */
  start(): Promise<void>;
  /** Unsubscribes and closes the bus. */
  close(): Promise<void>;
}

/** Binds the use cases to their dependencies and registers the promotion approval hook. */
export function createPromotionsService(config: PromotionsConfig): PromotionsService {
  const deps: PromotionDeps = { db: config.db, governance: config.governance, sanitizer: config.sanitizer, prism: config.prism, bus: config.bus };
  const db: Kysely<DB> = config.db;
  registerPromotionApprovalHook(config.approvalHooks, deps);
  const resolver = new PointerResolver({ db, bus: config.bus, ...(config.clock ? { clock: config.clock } : {}), ...config.resolver });
  const monitoringDeps: MonitoringDeps = { ...config.monitoring, db, bus: config.bus };
  return {
    resolver,
    monitoringDeps,
    createPromotion: (ctx, input) => createPromotion(deps, ctx, input),
    getPromotion: (ctx, id) => getPromotion(db, ctx, id),
    listPromotions: (ctx, query) => listPromotions(db, ctx, query),
    rollbackPromotion: (ctx, id, input) => rollbackPromotion(deps, ctx, id, input),
    listPointers: (ctx, query) => listProductionPointers(db, ctx, query),
    getPointer: (ctx, id) => getProductionPointer(db, ctx, id),
    listPointerHistory: (ctx, id, query) => listPointerHistory(db, ctx, id, query),
    overridePointer: (ctx, id, input) => overrideProductionPointer(deps, ctx, id, input),
    resolve: (ctx, query) => resolver.resolve(ctx, query),
    resolveCached: (ctx, query) => resolver.resolveCached(ctx, query),
    createReEval: (ctx, input) => createReEval(db, ctx, input),
    getReEval: (ctx, id) => getReEval(db, ctx, id),
    listReEvals: (ctx, query) => listReEvals(db, ctx, query),
    pauseReEval: (ctx, id) => pauseReEval(db, ctx, id),
    resumeReEval: (ctx, id) => resumeReEval(db, ctx, id),
    createScheduler: (options) => new ReEvalScheduler({ ...options, deps: monitoringDeps }),
    start: () => resolver.start(),
    close: async () => {
      await resolver.stop();
      await config.bus.close();
    },
  };
}
