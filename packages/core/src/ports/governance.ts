import type { Actor } from '../shared/context.js';

/** The steps a governance authority can veto. */
export type GovernanceAction = 'dataset.create' | 'ft.job.create' | 'eval.run' | 'model.promote' | 'pointer.override';

export interface GovernanceRequest {
  readonly action: GovernanceAction;
  readonly tenantId: string;
  readonly projectId: string | null;
  readonly actor: Actor;
  readonly resource: { readonly type: string; readonly id?: string; readonly attributes?: Record<string, unknown> };
  readonly context?: Record<string, unknown>;
}

export interface GovernanceDecision {
  readonly decision: 'allow' | 'deny';
  /** Stored with the resource so an auditor can find the decision at its source. */
  readonly decisionId: string;
  readonly reasons: readonly string[];
  readonly source: 'local' | 'orchestrator';
}

/**
 * Asks whether an action may proceed: the Orchestrator's GovernanceCheck when configured,
 * otherwise the local policy file. Throws DependencyUnavailableError when it cannot decide.
 */
export interface GovernanceEngine {
  check(request: GovernanceRequest): Promise<GovernanceDecision>;
}
