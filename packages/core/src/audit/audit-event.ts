import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { AuditEventsTable } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';
import type { Actor } from '../shared/context.js';

/** An audit row as the API returns it. */
export interface AuditEvent {
  readonly id: string;
  readonly project_id: string | null;
  readonly actor: { readonly type: Actor['type']; readonly id: string };
  readonly action: string;
  readonly resource_type: string;
  readonly resource_id: string | null;
  readonly request_id: string | null;
  readonly summary: string;
  readonly details: Record<string, unknown>;
  readonly occurred_at: string;
  readonly orchestrator_audit_id: string | null;
  readonly forwarded_at: string | null;
}

/** Query of `GET /audit-events`. */
export const ListAuditEventsInput = PageParams.extend({
  resource_type: z.string().min(1).max(100).optional(),
  resource_id: z.uuid().optional(),
  action: z.string().min(1).max(100).optional(),
  actor_id: z.string().min(1).max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
})
  .strict()
  .refine((q) => !q.since || !q.until || Date.parse(q.since) < Date.parse(q.until), { message: 'since must be before until', path: ['since'] });
export type ListAuditEventsInput = z.infer<typeof ListAuditEventsInput>;

export type AuditEventRow = Selectable<AuditEventsTable>;

/** The API shape of an audit row. */
export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    project_id: row.project_id,
    actor: { type: row.actor_type, id: row.actor_id },
    action: row.action,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    request_id: row.request_id,
    summary: row.summary,
    details: row.details,
    occurred_at: new Date(row.occurred_at).toISOString(),
    orchestrator_audit_id: row.orchestrator_audit_id,
    forwarded_at: row.forwarded_at === null ? null : new Date(row.forwarded_at).toISOString(),
  };
}
