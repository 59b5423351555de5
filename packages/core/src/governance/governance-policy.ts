import { z } from 'zod';

const ACTIONS = ['dataset.create', 'ft.job.create', 'eval.run', 'model.promote', 'pointer.override'] as const;

/** Conditions of a rule; every listed condition must hold for the rule to match. */
export const PolicyConditions = z
  .object({
    project_ids: z.array(z.string().min(1)).min(1).optional(),
    roles: z
      .array(z.enum(['admin', 'member']))
      .min(1)
      .optional(),
    /** Exact names or `*` globs, e.g. `gpt-4.1*`. */
    base_models: z.array(z.string().min(1)).min(1).optional(),
    /** Matches when the request's estimated cost is above this (USD). */
    cost_usd_above: z.number().nonnegative().optional(),
    /** Matches when the request's estimated cost is at most this (USD). */
    cost_usd_at_most: z.number().nonnegative().optional(),
  })
  .strict();
export type PolicyConditions = z.infer<typeof PolicyConditions>;

/** One rule: for these actions, when the conditions hold, allow or deny with a reason. */
export const PolicyRule = z
  .object({
    id: z.string().min(1).max(100),
    actions: z.array(z.union([z.enum(ACTIONS), z.literal('*')])).min(1),
    effect: z.enum(['allow', 'deny']),
    when: PolicyConditions.default({}),
    reason: z.string().min(1).max(500),
  })
  .strict();
export type PolicyRule = z.infer<typeof PolicyRule>;

/**
 * A local governance policy file (JSON or YAML). Rules are evaluated in order and the first match
 * decides, like a firewall; with no match `default` decides.
 */
export const GovernancePolicy = z
  .object({
    version: z.literal(1),
    default: z.enum(['allow', 'deny']),
    rules: z.array(PolicyRule).default([]),
  })
  .strict();
export type GovernancePolicy = z.infer<typeof GovernancePolicy>;

/** What runs with no policy file: allow everything in dev, deny everything elsewhere. */
export function defaultPolicy(env: 'dev' | 'stage' | 'prod'): GovernancePolicy {
  return { version: 1, default: env === 'dev' ? 'allow' : 'deny', rules: [] };
}
