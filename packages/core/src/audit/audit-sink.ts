import type { Actor } from '../shared/context.js';

/** One audit row as it is forwarded (the Orchestrator's `POST /v1/audit/events` body). */
export interface ForwardedAuditEvent {
  readonly id: string;
  readonly source: 'ftm';
  readonly tenant_id: string;
  readonly project_id: string | null;
  readonly actor: { readonly type: Actor['type']; readonly id: string };
  readonly action: string;
  readonly resource_type: string;
  readonly resource_id: string | null;
  readonly request_id: string | null;
  readonly summary: string;
  readonly details: Record<string, unknown>;
  readonly occurred_at: string;
}

/**
 * Where audit rows are forwarded (the Orchestrator's audit API). `send` must be idempotent on the
 * row id and returns the sink's id for the row. It throws DependencyUnavailableError while the
 * sink cannot take rows, and another error when it refuses this row.
 */
export interface AuditSink {
  send(event: ForwardedAuditEvent): Promise<string>;
}
