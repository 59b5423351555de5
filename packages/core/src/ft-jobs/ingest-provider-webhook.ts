import type { ServiceContext } from '../shared/context.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../shared/errors.js';
import { verifyStandardWebhook, type WebhookHeaders } from '../webhooks/standard-webhooks.js';
import { parseOpenAiWebhook } from '../adapters/openai/openai-webhook-event.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { enqueuePoll } from './submit-ft-job.js';

/** Webhook secrets (`whsec_…`, several during a rotation) per provider name. */
export type ProviderWebhookSecrets = Readonly<Record<string, string | readonly string[]>>;

/** What a verified webhook led to. */
export interface WebhookIngestResult {
  readonly received: true;
  readonly ftJobId: string | null;
  /** True when this webhook-id was already received for the job: nothing was read or scheduled again. */
  readonly duplicate: boolean;
}

/** Timeline entries of received webhooks carry this prefix before the webhook-id, which makes them unique per job. */
const WEBHOOK_EVENT_PREFIX = 'webhook:';

/**
 * `POST /provider-webhooks/{provider}`: verifies the Standard Webhooks signature over the exact
 * body bytes (a ValidationError, the contract's 400, when it does not verify), then schedules an
 * immediate poll of the job it names: the webhook is a faster path than polling, never a source of
 * truth. A provider without a configured secret is NotFoundError. The delivery is recorded on the
 * job's timeline under its webhook-id, once: a redelivery of the same message (same webhook-id)
 * finds it there and schedules nothing, so it costs no second provider read.
 */
export async function ingestProviderWebhook(
  deps: Pick<FtJobDeps, 'db' | 'queue'> & { readonly webhookSecrets: ProviderWebhookSecrets },
  ctx: Pick<ServiceContext, 'clock' | 'ids'>,
  { provider, headers, rawBody }: { provider: string; headers: WebhookHeaders; rawBody: string | Uint8Array },
): Promise<WebhookIngestResult> {
  const configured = deps.webhookSecrets[provider];
  const secrets = typeof configured === 'string' ? [configured] : (configured ?? []);
  if (secrets.length === 0) throw new NotFoundError('provider webhook endpoint', provider);
  try {
    verifyStandardWebhook(rawBody, headers, secrets, { nowMs: ctx.clock.now().getTime() });
  } catch (error) {
    if (error instanceof UnauthorizedError) throw new ValidationError(error.message, [{ path: 'webhook-signature', message: error.message }]);
    throw error;
  }
  const event = parseOpenAiWebhook(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'));
  if (!event) return { received: true, ftJobId: null, duplicate: false };
  const row = await deps.db.selectFrom('ft_jobs').select(['id', 'tenant_id', 'poll_attempts']).where('provider', '=', provider).where('provider_job_id', '=', event.providerJobId).executeTakeFirst();
  if (!row) return { received: true, ftJobId: null, duplicate: false };
  const webhookId = headers['webhook-id']!;
  const recorded = await deps.db
    .insertInto('ft_job_events')
    .values({
      id: ctx.ids.next(),
      tenant_id: row.tenant_id,
      ft_job_id: row.id,
      source: 'provider',
      provider_event_id: `${WEBHOOK_EVENT_PREFIX}${webhookId}`,
      level: 'info',
      type: 'webhook_received',
      message: `${provider} webhook ${event.type}`,
      data: JSON.stringify({ webhook_id: webhookId, event_id: event.eventId, event_type: event.type }),
      created_at: ctx.clock.now(),
    })
    .onConflict((oc) => oc.columns(['ft_job_id', 'provider_event_id']).where('provider_event_id', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!recorded) return { received: true, ftJobId: row.id, duplicate: true };
  await enqueuePoll(deps, row, 0, `webhook-${webhookId}`);
  return { received: true, ftJobId: row.id, duplicate: false };
}
