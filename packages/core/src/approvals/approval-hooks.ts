import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import type { Approval, ApprovalKind } from './approval.js';

/** Work a hook wants done once the decision is committed (e.g. enqueue the resumed job). */
export type AfterCommit = () => Promise<void>;

/**
 * Runs inside the decision's transaction, so the waiting resource moves (resumed or blocked) in
 * the same commit as the decision.
 */
export type ApprovalDecisionHook = (trx: Transaction<DB>, ctx: ServiceContext, approval: Approval) => Promise<AfterCommit | void>;

/** Which resource kinds react to decisions: fine-tuning registers `ft_job`, promotions `promotion`. */
export class ApprovalHooks {
  readonly #hooks = new Map<ApprovalKind, ApprovalDecisionHook[]>();

  register(kind: ApprovalKind, hook: ApprovalDecisionHook): void {
    this.#hooks.set(kind, [...(this.#hooks.get(kind) ?? []), hook]);
  }

  /** Runs the hooks of the approval's kind; returns their after-commit work in order. */
  async run(trx: Transaction<DB>, ctx: ServiceContext, approval: Approval): Promise<AfterCommit[]> {
    const after: AfterCommit[] = [];
    for (const hook of this.#hooks.get(approval.kind) ?? []) {
      const next = await hook(trx, ctx, approval);
      if (next) after.push(next);
    }
    return after;
  }
}
