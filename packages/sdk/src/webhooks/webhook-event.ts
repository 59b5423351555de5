/**
 * The body of an FTM webhook delivery: a union of the contract's webhook payloads, discriminated
 * by `type` (`dataset.created`, `ft_job.updated`, `model.promoted`, …). Ignore types you do not know.
 */
export type { WebhookEvent } from '../generated/schemas.js';
