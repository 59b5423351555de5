import { isUuid } from '../shared/ids.js';
import type { WebhookDeps } from './webhook-deps.js';
import type { AttemptTarget } from './perform-attempt.js';
import { runAttempt } from './run-attempt.js';
import type { AttemptResult } from './attempt-result.js';
import { nextWebhookDeliveryStatus } from './webhook-delivery-state-machine.js';

/** Scheduled times are compared with some slack: the queue's clock and ours may differ a little. */
const DUE_TOLERANCE_MS = 250;

/** Why a `webhook.deliver` job did nothing. */
export type SkipReason = 'not_found' | 'not_due' | 'finished' | 'in_flight' | 'endpoint_paused' | 'endpoint_deleted';

/** What a `webhook.deliver` job did. */
export type DeliverResult = { readonly kind: 'attempted'; readonly result: AttemptResult } | { readonly kind: 'skipped'; readonly reason: SkipReason };

/**
 * The `webhook.deliver` job: claims the delivery if an attempt is due (or its last worker vanished
 * mid-attempt, in which case that attempt is recorded as `interrupted`), then performs and records
 * it. Claiming locks the row, so concurrent or duplicate jobs make one attempt, never two.
 */
export async function deliverWebhook(deps: WebhookDeps, deliveryId: string): Promise<DeliverResult> {
  if (!isUuid(deliveryId)) return { kind: 'skipped', reason: 'not_found' };
  const claim = await deps.db.transaction().execute(async (trx): Promise<AttemptTarget | SkipReason> => {
    const row = await trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', (j) => j.onRef('e.id', '=', 'd.endpoint_id').onRef('e.tenant_id', '=', 'd.tenant_id'))
      .innerJoin('outbox_events as o', (j) => j.onRef('o.id', '=', 'd.event_id').onRef('o.tenant_id', '=', 'd.tenant_id'))
      .select([
        'd.id',
        'd.tenant_id',
        'd.endpoint_id',
        'd.event_id',
        'd.event_type',
        'd.status',
        'd.attempt_count',
        'd.retry_from_attempt',
        'd.retry_steps',
        'd.next_attempt_at',
        'd.last_attempt_at',
        'd.updated_at',
        'e.url',
        'e.secret',
        'e.previous_secret',
        'e.previous_secret_expires_at',
        'e.project_id',
        'e.enabled',
        'e.deleted_at',
        'o.occurred_at',
        'o.payload',
      ])
      .where('d.id', '=', deliveryId)
      .forUpdate('d')
      .executeTakeFirst();
    if (!row) return 'not_found';
    const now = deps.clock.now();
    const stale = row.status === 'delivering' && new Date(row.updated_at).getTime() <= now.getTime() - deps.settings.staleAfterMs;
    if (row.status === 'delivering' && !stale) return 'in_flight';
    if (row.status !== 'pending' && row.status !== 'delivering') return 'finished';
    if (row.status === 'pending' && (row.next_attempt_at === null || new Date(row.next_attempt_at).getTime() > now.getTime() + DUE_TOLERANCE_MS)) {
      return row.next_attempt_at === null ? 'endpoint_paused' : 'not_due';
    }
    if (stale) {
      // The worker of that attempt died: say so on its attempt row (a late answer overwrites it).
      await trx
        .insertInto('webhook_attempts')
        .values({
          id: deps.ids.next(),
          tenant_id: row.tenant_id,
          delivery_id: row.id,
          attempt: row.attempt_count,
          status_code: null,
          latency_ms: null,
          error: 'interrupted',
          response_excerpt: null,
          started_at: row.last_attempt_at ?? row.updated_at,
        })
        .onConflict((oc) => oc.columns(['delivery_id', 'attempt']).doNothing())
        .execute();
    }
    if (row.deleted_at !== null) {
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: nextWebhookDeliveryStatus(row.status, 'give_up'), next_attempt_at: null, last_error: 'endpoint_deleted', updated_at: now })
        .where('id', '=', row.id)
        .execute();
      return 'endpoint_deleted';
    }
    if (!row.enabled) {
      // Paused: waits without a time until the endpoint is enabled again.
      await trx.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: null, updated_at: now }).where('id', '=', row.id).execute();
      return 'endpoint_paused';
    }
    const attempt = row.attempt_count + 1;
    // The interrupted attempt was the worker's death, not the receiver's answer: the take-over
    // attempt takes its step of the schedule instead of the next one.
    const retryFromAttempt = row.retry_from_attempt + (stale ? 1 : 0);
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: nextWebhookDeliveryStatus(row.status, 'claim'), attempt_count: attempt, retry_from_attempt: retryFromAttempt, last_attempt_at: now, next_attempt_at: null, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    return {
      delivery: { id: row.id, tenant_id: row.tenant_id, endpoint_id: row.endpoint_id, event_id: row.event_id, event_type: row.event_type, attempt, retryFromAttempt, retrySteps: row.retry_steps },
      endpoint: {
        id: row.endpoint_id,
        url: row.url,
        secret: row.secret,
        previous_secret: row.previous_secret,
        previous_secret_expires_at: row.previous_secret_expires_at,
        project_id: row.project_id,
      },
      event: { id: row.event_id, type: row.event_type, occurred_at: row.occurred_at, payload: row.payload },
      startedAt: now,
    };
  });
  if (typeof claim === 'string') return { kind: 'skipped', reason: claim };
  return { kind: 'attempted', result: await runAttempt(deps, claim) };
}
