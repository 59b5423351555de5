import type { WebhookDeps } from './webhook-deps.js';
import { DestinationLookupError, RefusedDestinationError, resolveDestination } from './resolve-destination.js';
import type { AttemptError, PostOutcome } from './webhook-sender.js';
import { signingSecrets, webhookBody, webhookHeaders, type DeliveredEvent, type SigningEndpoint } from './webhook-message.js';

/** Everything one attempt needs, read when the delivery was claimed. */
export interface AttemptTarget {
  readonly delivery: {
    readonly id: string;
    readonly tenant_id: string;
    readonly endpoint_id: string;
    readonly event_id: string;
    readonly event_type: string;
    /** The number of this attempt (the delivery's attempt_count after the claim). */
    readonly attempt: number;
    /** Attempts before this delivery's current retry sequence (0: the first sequence). */
    readonly retryFromAttempt?: number;
    /** Delays of the schedule the sequence uses (a redeliver's short one); absent or null: all. */
    readonly retrySteps?: number | null;
  };
  readonly endpoint: SigningEndpoint & { readonly id: string; readonly url: string; readonly project_id: string | null };
  readonly event: DeliveredEvent;
  readonly startedAt: Date;
}

/** Errors an attempt can end with, beyond the sender's own. */
export type AttemptOutcomeError = AttemptError | 'refused_destination' | 'dns_error' | 'signing_key_missing';

/** What an attempt produced. */
export interface AttemptOutcome extends Omit<PostOutcome, 'error'> {
  readonly error: AttemptOutcomeError | null;
}

const NO_ANSWER = { statusCode: null, latencyMs: 0, excerpt: null, retryAfterMs: null } as const;

/**
 * Signs and POSTs one attempt. The destination is checked again on every attempt (DNS may have
 * changed since the endpoint was registered) and the connection goes to the checked address.
 * Never throws: every failure is an outcome to record.
 */
export async function performAttempt(deps: WebhookDeps, target: AttemptTarget): Promise<AttemptOutcome> {
  const secrets = signingSecrets(target.endpoint, deps.settings, target.startedAt);
  if (secrets.length === 0) return { ...NO_ANSWER, error: 'signing_key_missing' };
  const url = new URL(target.endpoint.url);
  let address;
  try {
    address = await resolveDestination(url, deps.policy, deps.resolver);
  } catch (error) {
    if (error instanceof RefusedDestinationError) return { ...NO_ANSWER, error: 'refused_destination' };
    if (error instanceof DestinationLookupError) return { ...NO_ANSWER, error: 'dns_error' };
    throw error;
  }
  const body = webhookBody(target.event);
  return deps.sender.post({
    url,
    address,
    headers: webhookHeaders(target.event, target.delivery.id, body, secrets, target.startedAt),
    body,
    timeoutMs: deps.settings.timeoutMs,
    excerptBytes: deps.settings.responseExcerptBytes,
  });
}
