import { z } from 'zod';
import type { GovernanceDecision, GovernanceEngine, GovernanceRequest } from '../../ports/governance.js';
import { DependencyUnavailableError } from '../../shared/errors.js';
import { HttpClient, HttpStatusError, type HttpClientOptions } from '../../shared/http-client.js';

const CheckResponse = z.object({
  decision: z.enum(['allow', 'deny']),
  decision_id: z.string().min(1),
  reasons: z.array(z.string()).default([]),
});

/** Configuration of the Orchestrator GovernanceCheck client. */
export interface OrchestratorGovernanceConfig {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly breaker?: HttpClientOptions['breaker'];
}

/**
 * Asks the Orchestrator: `POST /v1/governance/check` { action, tenant_id, project_id, actor,
 * resource, context } → { decision, decision_id, reasons }. When it cannot be asked (down, circuit
 * open, nonsense answer) this throws DependencyUnavailableError: FTM fails closed, never allows.
 */
export class OrchestratorGovernanceClient implements GovernanceEngine {
  readonly #http: HttpClient;

  constructor(config: OrchestratorGovernanceConfig) {
    this.#http = new HttpClient({
      name: 'orchestrator',
      baseUrl: config.baseUrl,
      headers: { authorization: `Bearer ${config.apiKey}` },
      timeoutMs: config.timeoutMs ?? 5_000,
      retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 },
      fetch: config.fetch,
      sleep: config.sleep,
      breaker: config.breaker,
    });
  }

  async check(request: GovernanceRequest): Promise<GovernanceDecision> {
    let body: unknown;
    try {
      const res = await this.#http.request({
        method: 'POST',
        path: '/v1/governance/check',
        body: {
          action: request.action,
          tenant_id: request.tenantId,
          project_id: request.projectId,
          actor: { type: request.actor.type, id: request.actor.id, role: request.actor.role },
          resource: { type: request.resource.type, id: request.resource.id ?? null, attributes: request.resource.attributes ?? {} },
          context: request.context ?? {},
        },
      });
      body = res.body;
    } catch (error) {
      if (error instanceof HttpStatusError) {
        throw new DependencyUnavailableError('orchestrator', `governance check was refused with HTTP ${error.status}`, { cause: error });
      }
      throw error;
    }
    const parsed = CheckResponse.safeParse(body);
    if (!parsed.success) throw new DependencyUnavailableError('orchestrator', 'governance check answered with an unexpected body');
    return { decision: parsed.data.decision, decisionId: parsed.data.decision_id, reasons: parsed.data.reasons, source: 'orchestrator' };
  }
}
