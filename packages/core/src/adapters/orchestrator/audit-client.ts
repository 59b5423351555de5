import { z } from 'zod';
import { DependencyUnavailableError } from '../../shared/errors.js';
import { HttpClient, type HttpClientOptions } from '../../shared/http-client.js';
import type { AuditSink, ForwardedAuditEvent } from '../../audit/audit-sink.js';

/** The Orchestrator's answer to `POST /v1/audit/events` (docs/integrations.md). */
export const OrchestratorAuditReceipt = z.object({ id: z.string().min(1).max(200) });
export type OrchestratorAuditReceipt = z.infer<typeof OrchestratorAuditReceipt>;

/** Options of {@link OrchestratorAuditClient}. */
export interface OrchestratorAuditClientOptions {
  readonly baseUrl: string;
  /** FTM's own credential at the Orchestrator (FTM_ORCHESTRATOR_API_KEY). */
  readonly apiKey: string;
  readonly timeoutMs?: number;
  readonly retry?: HttpClientOptions['retry'];
  readonly breaker?: HttpClientOptions['breaker'];
  readonly fetch?: typeof fetch;
  readonly sleep?: HttpClientOptions['sleep'];
}

/**
 * Forwards audit rows to the Orchestrator: `Idempotency-Key` = the row id (the Orchestrator
 * answers a repeat with the same id and records nothing twice), 10 s per attempt, 3 attempts,
 * circuit breaker. A refusal (4xx) is an HttpStatusError; no usable answer is
 * DependencyUnavailableError.
 */
export class OrchestratorAuditClient implements AuditSink {
  readonly #http: HttpClient;

  constructor(options: OrchestratorAuditClientOptions) {
    this.#http = new HttpClient({
      name: 'orchestrator',
      baseUrl: options.baseUrl,
      headers: { authorization: `Bearer ${options.apiKey}` },
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: options.retry ?? { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 },
      ...(options.breaker ? { breaker: options.breaker } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }

  async send(event: ForwardedAuditEvent): Promise<string> {
    const res = await this.#http.request({ method: 'POST', path: '/v1/audit/events', body: event, headers: { 'idempotency-key': event.id } });
    const parsed = OrchestratorAuditReceipt.safeParse(res.body);
    if (!parsed.success) throw new DependencyUnavailableError('orchestrator', 'orchestrator answered an audit event with an unexpected body');
    return parsed.data.id;
  }
}
