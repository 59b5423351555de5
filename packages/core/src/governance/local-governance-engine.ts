import type { GovernanceDecision, GovernanceEngine, GovernanceRequest } from '../ports/governance.js';
import { uuidv7 } from '../shared/ids.js';
import type { GovernancePolicy, PolicyConditions, PolicyRule } from './governance-policy.js';

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

function attribute(request: GovernanceRequest, key: string): unknown {
  return request.resource.attributes?.[key] ?? request.context?.[key];
}

function matches(when: PolicyConditions, request: GovernanceRequest): boolean {
  if (when.project_ids && (!request.projectId || !when.project_ids.includes(request.projectId))) return false;
  if (when.roles && !when.roles.includes(request.actor.role)) return false;
  if (when.base_models) {
    const model = attribute(request, 'base_model');
    if (typeof model !== 'string' || !when.base_models.some((p) => globMatch(p, model))) return false;
  }
  if (when.cost_usd_above !== undefined || when.cost_usd_at_most !== undefined) {
    const cost = attribute(request, 'estimated_cost_usd');
    // A cost rule cannot judge a request without a cost: it does not match.
    if (typeof cost !== 'number') return false;
    if (when.cost_usd_above !== undefined && !(cost > when.cost_usd_above)) return false;
    if (when.cost_usd_at_most !== undefined && !(cost <= when.cost_usd_at_most)) return false;
  }
  return true;
}

/**
 * The local stand-in for the Orchestrator's GovernanceCheck: evaluates a policy in process. The
 * first rule whose actions and conditions match decides; otherwise the policy's default does.
 */
export class LocalGovernanceEngine implements GovernanceEngine {
  constructor(
    private readonly policy: GovernancePolicy,
    private readonly newId: () => string = uuidv7,
  ) {}

  async check(request: GovernanceRequest): Promise<GovernanceDecision> {
    const rule: PolicyRule | undefined = this.policy.rules.find((r) => (r.actions.includes('*') || r.actions.includes(request.action)) && matches(r.when, request));
    if (rule) {
      return { decision: rule.effect, decisionId: this.newId(), reasons: [`rule ${rule.id}: ${rule.reason}`], source: 'local' };
    }
    return {
      decision: this.policy.default,
      decisionId: this.newId(),
      reasons: [`no rule matched ${request.action}; the policy default is ${this.policy.default}`],
      source: 'local',
    };
  }
}
