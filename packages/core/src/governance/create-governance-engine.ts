import type { GovernanceEngine } from '../ports/governance.js';
import { OrchestratorGovernanceClient, type OrchestratorGovernanceConfig } from '../adapters/orchestrator/governance-client.js';
import { defaultPolicy, type GovernancePolicy } from './governance-policy.js';
import { LocalGovernanceEngine } from './local-governance-engine.js';
import { loadPolicyFile } from './load-policy-file.js';

/** How to govern: the Orchestrator when configured, else a policy (given, from a file, or the default). */
export interface GovernanceConfig {
  readonly env: 'dev' | 'stage' | 'prod';
  readonly orchestrator?: OrchestratorGovernanceConfig | null;
  readonly policy?: GovernancePolicy;
  readonly policyFile?: string;
}

/** Picks the governance engine from configuration (the Orchestrator wins over a local policy). */
export async function createGovernanceEngine(config: GovernanceConfig): Promise<GovernanceEngine> {
  if (config.orchestrator) return new OrchestratorGovernanceClient(config.orchestrator);
  if (config.policy) return new LocalGovernanceEngine(config.policy);
  if (config.policyFile) return new LocalGovernanceEngine(await loadPolicyFile(config.policyFile));
  return new LocalGovernanceEngine(defaultPolicy(config.env));
}
