import { WEBHOOK_EVENT_SHAPES, type JsonTypes } from '../generated/webhook-events.js';
import { WebhookVerificationError } from './webhook-error.js';
import type { WebhookEvent } from './webhook-event.js';

type Shape = Readonly<Record<string, JsonTypes>>;
const SHAPES: Readonly<Record<string, { readonly body: Shape; readonly data: Shape }>> = WEBHOOK_EVENT_SHAPES;

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return jsonType(value) === 'object';
}

function check(where: string, value: Record<string, unknown>, shape: Shape): void {
  for (const [key, types] of Object.entries(shape)) {
    if (!(key in value)) throw new WebhookVerificationError(`The webhook body has no \`${where}${key}\`.`, 'invalid_event');
    if (types !== null && !types.includes(jsonType(value[key]))) {
      throw new WebhookVerificationError(`The webhook body's \`${where}${key}\` is ${jsonType(value[key])}, expected ${types.join(' or ')}.`, 'invalid_event');
    }
  }
}

/**
 * Checks a parsed webhook body against the contract's catalogue (its type is known, the required
 * keys of the body and of `data` are there with the right JSON types) and returns it typed.
 */
export function toWebhookEvent(value: unknown): WebhookEvent {
  if (!isObject(value)) throw new WebhookVerificationError('The webhook body is not a JSON object.', 'invalid_event');
  if (typeof value.type !== 'string') throw new WebhookVerificationError('The webhook body has no string `type`.', 'invalid_event');
  const shape = SHAPES[value.type];
  if (!shape) throw new WebhookVerificationError(`Unknown webhook event type \`${value.type}\`.`, 'unknown_event_type');
  check('', value, shape.body);
  if (!isObject(value.data)) throw new WebhookVerificationError('The webhook body has no `data` object.', 'invalid_event');
  check('data.', value.data, shape.data);
  return value as unknown as WebhookEvent;
}
