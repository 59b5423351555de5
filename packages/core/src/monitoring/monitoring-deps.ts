import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { ServiceContext } from '../shared/context.js';
import type { ModelRef } from '../evals/model-ref.js';
import type { PointerChangeBus } from '../pointers/pointer-change-bus.js';

/** Starts an eval run and returns it queued (the evals service's `createRun`). */
export type StartEvalRun = (ctx: ServiceContext, input: { readonly eval_suite_id: string; readonly model: ModelRef }) => Promise<{ readonly id: string; readonly model_version_id: string | null }>;

/** What the re-eval scheduler's work needs. */
export interface MonitoringDeps {
  readonly db: Kysely<DB>;
  readonly startEvalRun: StartEvalRun;
  readonly bus: PointerChangeBus;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/** The actor monitoring acts as (history shows `system:ftm-monitor` for an auto-rollback). */
export const MONITOR_ACTOR = { type: 'system', id: 'ftm-monitor', role: 'admin' } as const;

/** A system context for monitoring work on one tenant. */
export function monitorContext(deps: Pick<MonitoringDeps, 'clock' | 'ids' | 'logger'>, tenantId: string, requestId: string): ServiceContext {
  return { tenantId, projectId: null, actor: MONITOR_ACTOR, requestId, clock: deps.clock, ids: deps.ids, logger: deps.logger };
}
