import type { WebhookDeps } from './webhook-deps.js';
import { performAttempt, type AttemptOutcome, type AttemptTarget } from './perform-attempt.js';
import { recordAttemptOutcome } from './record-attempt-outcome.js';
import type { AttemptResult } from './attempt-result.js';

/** Performs a claimed attempt and records what happened. */
export async function runAttempt(deps: WebhookDeps, target: AttemptTarget): Promise<AttemptResult> {
  let outcome: AttemptOutcome;
  try {
    outcome = await performAttempt(deps, target);
  } catch (error) {
    // A bug or an exotic socket failure still counts as a failed attempt, never a lost one.
    deps.logger.warn({ deliveryId: target.delivery.id, err: { message: (error as Error).message } }, 'webhook attempt failed unexpectedly');
    outcome = { statusCode: null, latencyMs: 0, error: 'connection_error', excerpt: null, retryAfterMs: null };
  }
  const result = await recordAttemptOutcome(deps, target, outcome);
  deps.onAttemptResult?.(result);
  deps.logger.debug({ deliveryId: target.delivery.id, attempt: target.delivery.attempt, statusCode: outcome.statusCode, error: outcome.error, result: result.kind }, 'webhook attempt');
  return result;
}
