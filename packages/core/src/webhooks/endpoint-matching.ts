import type { OutboxDispatchPayload } from '../outbox/outbox-jobs.js';

/** The endpoint columns that decide which events an endpoint receives. */
export interface MatchableEndpoint {
  readonly id: string;
  readonly tenant_id: string;
  readonly project_id: string | null;
  readonly event_types: readonly string[];
  readonly created_at: Date | string;
}

/**
 * Whether an (enabled, undeleted) endpoint receives an event: same tenant; no type filter or the
 * type in it; tenant-wide, or of the event's project; registered by the time the event happened
 * (an endpoint never receives what happened before it existed).
 */
export function endpointReceives(endpoint: MatchableEndpoint, event: OutboxDispatchPayload): boolean {
  if (endpoint.tenant_id !== event.tenantId) return false;
  if (endpoint.event_types.length > 0 && !endpoint.event_types.includes(event.type)) return false;
  if (endpoint.project_id !== null && endpoint.project_id !== event.projectId) return false;
  return new Date(endpoint.created_at).getTime() <= new Date(event.occurredAt).getTime();
}
