import type { ServiceContext } from '../shared/context.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../shared/errors.js';
import { StandardWebhookVerifier, type WebhookHeaders } from '../adapters/openai/standard-webhook-verifier.js';
import { parseOpenAiWebhook } from '../adapters/openai/openai-webhook-event.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { enqueuePoll } from './submit-ft-job.js';

/** Webhook secrets (`whsec_…`, several during a rotation) per provider name. */
export type ProviderWebhookSecrets = Readonly<Record<string, string | readonly string[]>>;

/** What a verified webhook led to. */
export interface WebhookIngestResult {
  readonly received: true;
  readonly ftJobId: string | null;
}

/**
 * `POST /provider-webhooks/{provider}`: verifies the Standard Webhooks signature over the raw body
 * (a ValidationError, the contract's 400, when it does not verify), then schedules an immediate poll of the job it names:
 * the webhook is a faster path than polling, never a source of truth. A provider without a
 * configured secret is NotFoundError. Duplicates (same webhook-id) schedule the same queue job.
 */
export async function ingestProviderWebhook(
  deps: Pick<FtJobDeps, 'db' | 'queue'> & { readonly webhookSecrets: ProviderWebhookSecrets },
  { ctx, provider, headers, rawBody }: { ctx: Pick<ServiceContext, 'clock'>; provider: string; headers: WebhookHeaders; rawBody: string },
): Promise<WebhookIngestResult> {
  const secrets = deps.webhookSecrets[provider];
  if (!secrets || (Array.isArray(secrets) && secrets.length === 0)) throw new NotFoundError('provider webhook endpoint', provider);
  try {
    new StandardWebhookVerifier(secrets).verify(rawBody, headers, ctx.clock.now().getTime());
  } catch (error) {
    if (error instanceof UnauthorizedError) throw new ValidationError(error.message, [{ path: 'webhook-signature', message: error.message }]);
    throw error;
  }
  const event = parseOpenAiWebhook(rawBody);
  if (!event) return { received: true, ftJobId: null };
  const row = await deps.db
    .selectFrom('ft_jobs')
    .select(['id', 'tenant_id', 'poll_attempts'])
    .where('provider', '=', provider)
    .where('provider_job_id', '=', event.providerJobId)
    .executeTakeFirst();
  if (!row) return { received: true, ftJobId: null };
  await enqueuePoll(deps, row, 0, `webhook-${headers['webhook-id']}`);
  return { received: true, ftJobId: row.id };
}
