/**
 * The body of an FTM webhook delivery: a union of the contract's webhook payloads, discriminated
 * by `type` (`dataset.created`, `ft_job.updated`, `model.promoted`, …). `verify()` rejects a type
 * it does not know with `code: 'unknown_event_type'`.
 */
export type { WebhookEvent } from '../generated/schemas.js';
