import { z } from 'zod';
import type { PrismApproval, PrismApprovalRequest, PrismGateway } from '../../approvals/prism-gateway.js';
import { DependencyUnavailableError, NotFoundError } from '../../shared/errors.js';
import { HttpClient, HttpStatusError } from '../../shared/http-client.js';

const PrismApprovalBody = z.object({ id: z.string().min(1), status: z.enum(['pending', 'approved', 'rejected']) });

/** Configuration of the remote PRISM client (`FTM_PRISM_URL`, Bearer `FTM_ORCHESTRATOR_API_KEY`). */
export interface PrismClientConfig {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * PRISM over HTTP: `POST /v1/approvals` { kind, tenant_id, project_id, resource_id,
 * estimated_cost_usd, reason } → { id, status } and `GET /v1/approvals/{id}`. Any failure to get a
 * well-formed answer is DependencyUnavailableError, so a job never proceeds unapproved.
 */
export class PrismClient implements PrismGateway {
  readonly #http: HttpClient;

  constructor(config: PrismClientConfig) {
    this.#http = new HttpClient({
      name: 'prism',
      baseUrl: config.baseUrl,
      headers: { authorization: `Bearer ${config.apiKey}` },
      timeoutMs: config.timeoutMs ?? 5_000,
      fetch: config.fetch,
      sleep: config.sleep,
    });
  }

  async request(input: PrismApprovalRequest): Promise<PrismApproval> {
    return this.#call(() =>
      this.#http.request({
        method: 'POST',
        path: '/v1/approvals',
        headers: { 'idempotency-key': input.approvalId },
        body: {
          kind: input.kind,
          tenant_id: input.tenantId,
          project_id: input.projectId,
          resource_id: input.resourceId,
          estimated_cost_usd: input.estimatedCostUsd,
          reason: input.reason,
        },
      }),
    );
  }

  async get(remoteId: string): Promise<PrismApproval> {
    return this.#call(() => this.#http.request({ method: 'GET', path: `/v1/approvals/${encodeURIComponent(remoteId)}` }), remoteId);
  }

  async #call(send: () => Promise<{ body: unknown }>, remoteId?: string): Promise<PrismApproval> {
    let body: unknown;
    try {
      body = (await send()).body;
    } catch (error) {
      if (error instanceof HttpStatusError) {
        if (error.status === 404 && remoteId) throw new NotFoundError('PRISM approval', remoteId);
        throw new DependencyUnavailableError('prism', `PRISM refused the request with HTTP ${error.status}`, { cause: error });
      }
      throw error;
    }
    const parsed = PrismApprovalBody.safeParse(body);
    if (!parsed.success) throw new DependencyUnavailableError('prism', 'PRISM answered with an unexpected body');
    return parsed.data;
  }
}
