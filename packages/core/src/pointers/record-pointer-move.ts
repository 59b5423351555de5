import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import type { PointerMoved } from './move-pointer.js';

const EVENT_BY_CAUSE = {
  promotion: 'model.promoted',
  rollback: 'model.rolled_back',
  auto_rollback: 'model.rolled_back',
  override: 'model.override',
} as const;

/**
 * The event (`model.promoted`, `model.rolled_back` or `model.override`, by cause) and the audit
 * row of a pointer move, in the move's transaction. `data` is the rest of the event's payload
 * beside `pointer` and `history_entry` (the promotion, the scheduled re-eval).
 */
export async function recordPointerMove(trx: Transaction<DB>, ctx: ServiceContext, moved: PointerMoved, data: Record<string, unknown>, summary: string): Promise<void> {
  const { pointer, entry } = moved;
  await recordEvent(trx, ctx, {
    type: EVENT_BY_CAUSE[entry.cause],
    resourceType: 'production_pointer',
    resourceId: pointer.id,
    projectId: pointer.project_id,
    payload: { ...data, pointer, history_entry: entry },
  });
  await recordAudit(trx, ctx, {
    action: `production_pointer.${entry.cause}`,
    resourceType: 'production_pointer',
    resourceId: pointer.id,
    projectId: pointer.project_id,
    summary,
    details: {
      target: pointer.target,
      seq: entry.seq,
      from_model_version_id: entry.from_model_version_id,
      to_model_version_id: entry.to_model_version_id,
      promotion_id: entry.promotion_id,
      notes: entry.notes,
    },
  });
}
