import { z } from 'zod';
import { ValidationError } from '../../shared/errors.js';

/** The fine-tuning events OpenAI sends to a webhook endpoint (others are acknowledged and ignored). */
export const OpenAiWebhookEvent = z.object({
  object: z.literal('event'),
  id: z.string(),
  type: z.string(),
  created_at: z.number().int(),
  data: z.object({ id: z.string() }).passthrough(),
});
export type OpenAiWebhookEvent = z.infer<typeof OpenAiWebhookEvent>;

const FINE_TUNING_EVENTS = new Set(['fine_tuning.job.succeeded', 'fine_tuning.job.failed', 'fine_tuning.job.cancelled']);

/** The provider job a verified webhook body is about, or null for event types we do not act on. */
export function parseOpenAiWebhook(rawBody: string): { readonly eventId: string; readonly type: string; readonly providerJobId: string } | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new ValidationError('webhook body is not JSON');
  }
  const parsed = OpenAiWebhookEvent.safeParse(json);
  if (!parsed.success) throw new ValidationError('webhook body is not an OpenAI event');
  if (!FINE_TUNING_EVENTS.has(parsed.data.type)) return null;
  return { eventId: parsed.data.id, type: parsed.data.type, providerJobId: parsed.data.data.id };
}
