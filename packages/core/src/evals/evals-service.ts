import type { ServiceContext } from '../shared/context.js';
import type { Page } from '../db/pagination.js';
import type { EvalDeps } from './eval-deps.js';
import type { EvalRunJobPayload } from './eval-jobs.js';
import type { EvalCase, EvalSuite } from './eval-suite.js';
import type { EvalCaseResult, EvalRun } from './eval-run.js';
import { createEvalSuite } from './create-eval-suite.js';
import { createEvalSuiteVersion } from './create-eval-suite-version.js';
import { getEvalSuite, listEvalSuiteCases } from './get-eval-suite.js';
import { listEvalSuites } from './list-eval-suites.js';
import { createEvalRun } from './create-eval-run.js';
import { getEvalRun, listEvalRuns } from './get-eval-run.js';
import { cancelEvalRun } from './cancel-eval-run.js';
import { listEvalRunResults } from './list-eval-run-results.js';
import { compareEvalRuns, type EvalComparison } from './compare-eval-runs.js';
import { runEvalRunJob, type EvalRunAttempt } from './execute-eval-run.js';
import { requeueStaleEvalRuns } from './requeue-stale-eval-runs.js';

/** Every eval use case bound to its dependencies: what routes and the worker call. */
export interface EvalsService {
  createSuite(ctx: ServiceContext, input: unknown): Promise<EvalSuite>;
  createSuiteVersion(ctx: ServiceContext, id: string, input: unknown): Promise<EvalSuite>;
  getSuite(ctx: ServiceContext, id: string): Promise<EvalSuite>;
  listSuites(ctx: ServiceContext, query: unknown): Promise<Page<EvalSuite>>;
  listSuiteCases(ctx: ServiceContext, id: string, query: unknown): Promise<Page<EvalCase>>;
  createRun(ctx: ServiceContext, input: unknown): Promise<EvalRun>;
  getRun(ctx: ServiceContext, id: string): Promise<EvalRun>;
  listRuns(ctx: ServiceContext, query: unknown): Promise<Page<EvalRun>>;
  cancelRun(ctx: ServiceContext, id: string): Promise<EvalRun>;
  listRunResults(ctx: ServiceContext, id: string, query: unknown): Promise<Page<EvalCaseResult>>;
  /** `query` is `{ baseline }` as the route receives it. */
  compareRuns(ctx: ServiceContext, id: string, query: unknown): Promise<EvalComparison>;
  /** The `eval.run` job handler's use case. */
  runJob(ctx: ServiceContext, payload: EvalRunJobPayload, attempt: EvalRunAttempt): Promise<void>;
  /** Re-queues runs a lost enqueue or a dead worker left behind; returns how many. */
  requeueStale(olderThanMs: number, now?: Date): Promise<number>;
}

/** Binds the eval use cases to `deps`. */
export function createEvalsService(deps: EvalDeps): EvalsService {
  return {
    createSuite: (ctx, input) => createEvalSuite(deps, ctx, input),
    createSuiteVersion: (ctx, id, input) => createEvalSuiteVersion(deps, ctx, id, input),
    getSuite: (ctx, id) => getEvalSuite(deps.db, ctx, id),
    listSuites: (ctx, query) => listEvalSuites(deps.db, ctx, query),
    listSuiteCases: (ctx, id, query) => listEvalSuiteCases(deps.db, ctx, id, query),
    createRun: (ctx, input) => createEvalRun(deps, ctx, input),
    getRun: (ctx, id) => getEvalRun(deps.db, ctx, id),
    listRuns: (ctx, query) => listEvalRuns(deps.db, ctx, query),
    cancelRun: (ctx, id) => cancelEvalRun(deps, ctx, id),
    listRunResults: (ctx, id, query) => listEvalRunResults(deps.db, ctx, id, query),
    compareRuns: (ctx, id, query) => compareEvalRuns(deps.db, ctx, id, query),
    runJob: (ctx, payload, attempt) => runEvalRunJob(deps, ctx, payload, attempt),
    requeueStale: (olderThanMs, now) => requeueStaleEvalRuns(deps, olderThanMs, now),
  };
}
