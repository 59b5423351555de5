import type { GateVerdictRecord, PromotionDecision } from '../db/schema.js';

/** Gates about the model's quality: failing one rejects the promotion. The others block it. */
const QUALITY_GATES = new Set(['version_status', 'min_eval_score', 'regression']);

/**
 * The decision the gates add up to: a failed quality gate rejects, a failed policy gate (TRiSM,
 * governance, approval) blocks, a pending approval waits, and otherwise the version is promoted.
 */
export function decide(gates: readonly GateVerdictRecord[]): PromotionDecision {
  const denied = gates.filter((g) => g.verdict === 'deny');
  if (denied.some((g) => QUALITY_GATES.has(g.gate))) return 'rejected';
  if (denied.length > 0) return 'blocked';
  if (gates.some((g) => g.verdict === 'pending')) return 'pending_approval';
  return 'promoted';
}

/** Replaces the verdict of one gate (or appends it), keeping the order. */
export function withGate(gates: readonly GateVerdictRecord[], verdict: GateVerdictRecord): GateVerdictRecord[] {
  const i = gates.findIndex((g) => g.gate === verdict.gate);
  if (i < 0) return [...gates, verdict];
  return gates.map((g, j) => (j === i ? verdict : g));
}

/** The gates skipped after an earlier denial, so every gate is still recorded. */
export const skipped = (gate: string, reason = 'not evaluated after an earlier denial'): GateVerdictRecord => ({ gate, verdict: 'skipped', reason });
