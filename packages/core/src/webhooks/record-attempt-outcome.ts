import type { Kysely, Transaction, Updateable } from 'kysely';
import type { DB, WebhookDeliveriesTable } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import type { WebhookDeps } from './webhook-deps.js';
import type { AttemptOutcome, AttemptTarget } from './perform-attempt.js';
import { nextRetry } from './retry-schedule.js';
import { nextWebhookDeliveryStatus, type WebhookDeliveryEvent } from './webhook-delivery-state-machine.js';
import { toWebhookDelivery, type WebhookDeliveryRow } from './webhook-delivery.js';
import { WEBHOOK_DEAD_LETTERED } from './webhook-event-types.js';
import { enqueueDeliveries } from './enqueue-deliveries.js';
import type { AttemptResult } from './attempt-result.js';

/** The context of work the platform does on its own (the audit actor is `system:webhooks`). */
export function webhookSystemContext(deps: WebhookDeps, tenantId: string, projectId: string | null, requestId: string): ServiceContext {
  return { tenantId, projectId, actor: { type: 'system', id: 'webhooks', role: 'admin' }, requestId, clock: deps.clock, ids: deps.ids, logger: deps.logger };
}

function decide(deps: WebhookDeps, target: AttemptTarget, outcome: AttemptOutcome): Exclude<AttemptResult, { kind: 'superseded' }> {
  const status = outcome.statusCode;
  if (outcome.error === null && status !== null && status >= 200 && status < 300) return { kind: 'succeeded' };
  if (status === 410) return { kind: 'gone' };
  const throttled = status === 429 || status === 503;
  const steps = target.delivery.retrySteps ?? null;
  const decision = nextRetry({
    // Counted within the current sequence: a redeliver or replay starts one, an interrupted attempt does not count.
    attemptCount: target.delivery.attempt - (target.delivery.retryFromAttempt ?? 0),
    schedule: steps === null ? deps.settings.retryScheduleMs : deps.settings.retryScheduleMs.slice(0, Math.max(1, steps)),
    jitter: deps.settings.retryJitter,
    retryAfterMs: throttled ? outcome.retryAfterMs : null,
    maxRetryAfterMs: deps.settings.maxRetryAfterMs,
    random: deps.random,
  });
  return decision.kind === 'dead_letter' ? { kind: 'dead_letter' } : { kind: 'retry', delayMs: decision.delayMs };
}

const EVENT_OF: Record<Exclude<AttemptResult['kind'], 'superseded'>, WebhookDeliveryEvent> = {
  succeeded: 'succeed',
  retry: 'retry',
  dead_letter: 'exhaust',
  gone: 'give_up',
};

/**
 * Writes the attempt row and moves the delivery on, in one statement on the common paths, shared
 * with the other attempts the process finished meanwhile (see AttemptOutcomeWriter; the attempt
 * is recorded even when the delivery moved on meanwhile: a late answer is still the truth about
 * that attempt). A dead letter also writes `webhook.dead_lettered` and an audit row;
 * a 410 disables the endpoint (`gone`) with its audit row; both in the same transaction.
 * A retry is enqueued after commit.
 */
export async function recordAttemptOutcome(deps: WebhookDeps, target: AttemptTarget, outcome: AttemptOutcome): Promise<AttemptResult> {
  const result = decide(deps, target, outcome);
  const now = deps.clock.now();
  const status = nextWebhookDeliveryStatus('delivering', EVENT_OF[result.kind]);
  const lastError = result.kind === 'succeeded' ? null : (outcome.error ?? `HTTP ${outcome.statusCode}`);
  const nextAttemptAt = result.kind === 'retry' ? new Date(now.getTime() + result.delayMs) : null;
  const changes: Updateable<WebhookDeliveriesTable> = {
    status,
    next_attempt_at: nextAttemptAt,
    last_status_code: outcome.statusCode,
    last_error: lastError,
    updated_at: now,
    ...(result.kind === 'succeeded' ? { succeeded_at: now } : {}),
  };
  const write = (db: Kysely<DB> | Transaction<DB>): Promise<WebhookDeliveryRow | undefined> =>
    db
      .with('attempt', (qc) =>
        qc
          .insertInto('webhook_attempts')
          .values({
            id: deps.ids.next(),
            tenant_id: target.delivery.tenant_id,
            delivery_id: target.delivery.id,
            attempt: target.delivery.attempt,
            status_code: outcome.statusCode,
            latency_ms: outcome.latencyMs,
            error: outcome.error,
            response_excerpt: outcome.excerpt,
            started_at: target.startedAt,
          })
          .onConflict((oc) =>
            oc.columns(['delivery_id', 'attempt']).doUpdateSet((eb) => ({
              status_code: eb.ref('excluded.status_code'),
              latency_ms: eb.ref('excluded.latency_ms'),
              error: eb.ref('excluded.error'),
              response_excerpt: eb.ref('excluded.response_excerpt'),
            })),
          ),
      )
      .updateTable('webhook_deliveries')
      .set(changes)
      .where('id', '=', target.delivery.id)
      .where('status', '=', 'delivering')
      .where('attempt_count', '=', target.delivery.attempt)
      .returningAll()
      .executeTakeFirst();

  if (result.kind === 'succeeded' || result.kind === 'retry') {
    // The common path is group-committed with the attempts other jobs of this process finished.
    const row = await deps.outcomeWriter.write({
      attemptId: deps.ids.next(),
      tenantId: target.delivery.tenant_id,
      deliveryId: target.delivery.id,
      attempt: target.delivery.attempt,
      statusCode: outcome.statusCode,
      latencyMs: outcome.latencyMs,
      error: outcome.error,
      excerpt: outcome.excerpt,
      startedAt: target.startedAt,
      status: result.kind === 'succeeded' ? 'succeeded' : 'pending',
      nextAttemptAt,
      lastError,
      now,
    });
    if (!row) return { kind: 'superseded' };
    if (result.kind === 'retry') await enqueueDeliveries(deps, [row], result.delayMs);
    return result;
  }
  return deps.db.transaction().execute(async (trx): Promise<AttemptResult> => {
    const row = await write(trx);
    if (!row) return { kind: 'superseded' };
    const ctx = webhookSystemContext(deps, target.delivery.tenant_id, target.endpoint.project_id, `webhook-delivery:${row.id}`);
    if (result.kind === 'gone') await disableGoneEndpoint(trx, ctx, target, now);
    else await announceDeadLetter(trx, ctx, row);
    return result;
  });
}

async function disableGoneEndpoint(trx: Transaction<DB>, ctx: ServiceContext, target: AttemptTarget, now: Date): Promise<void> {
  const disabled = await trx
    .updateTable('webhook_endpoints')
    .set({ enabled: false, disabled_reason: 'gone', updated_at: now })
    .where('id', '=', target.endpoint.id)
    .where('enabled', '=', true)
    .returning(['id', 'url', 'project_id'])
    .executeTakeFirst();
  if (!disabled) return;
  await recordEvent(trx, ctx, {
    type: 'webhook_endpoint.disabled',
    resourceType: 'webhook_endpoint',
    resourceId: disabled.id,
    projectId: disabled.project_id,
    payload: { webhook_endpoint_id: disabled.id, reason: 'gone', delivery_id: target.delivery.id },
  });
  await recordAudit(trx, ctx, {
    action: 'webhook_endpoint.disable',
    resourceType: 'webhook_endpoint',
    resourceId: disabled.id,
    projectId: disabled.project_id,
    summary: `disabled webhook endpoint ${new URL(disabled.url).host}: the receiver answered 410 Gone`,
    details: { reason: 'gone', delivery_id: target.delivery.id },
  });
}

async function announceDeadLetter(trx: Transaction<DB>, ctx: ServiceContext, row: WebhookDeliveryRow): Promise<void> {
  const attempts = await trx.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', row.id).orderBy('attempt').execute();
  const delivery = toWebhookDelivery(row, attempts);
  // A dead-lettered webhook.dead_lettered delivery is not announced again: the receiver that is
  // down would otherwise be sent a new announcement for every one it missed, forever.
  if (row.event_type !== WEBHOOK_DEAD_LETTERED) {
    await recordEvent(trx, ctx, {
      type: WEBHOOK_DEAD_LETTERED,
      resourceType: 'webhook_delivery',
      resourceId: row.id,
      projectId: ctx.projectId,
      payload: { delivery },
    });
  }
  await recordAudit(trx, ctx, {
    action: 'webhook_delivery.dead_letter',
    resourceType: 'webhook_delivery',
    resourceId: row.id,
    projectId: ctx.projectId,
    summary: `webhook delivery of ${row.event_type} exhausted ${row.attempt_count} attempts (last: ${row.last_error ?? 'unknown'})`,
    details: { endpoint_id: row.endpoint_id, event_id: row.event_id, attempt_count: row.attempt_count, last_status_code: row.last_status_code },
  });
}
