import type { OtlpSpan } from '../otlp/otlp-span.js';
import type { ChatMessage, Conversation } from './chat-message.js';
import { readEventMessages } from './read-event-messages.js';
import { readIndexedMessages } from './read-indexed-messages.js';
import { readSemconvMessages } from './read-semconv-messages.js';

/**
 * The conversation of an inference span, from the first form that recorded one: the current
 * conventions' message attributes, else the events of v1.36 and before, else the indexed
 * `gen_ai.prompt.N.*` attributes. Null when content capture was off (no form present).
 */
export function readConversation(span: OtlpSpan): Conversation | null {
  const forms = [() => readSemconvMessages(span.attributes), () => readEventMessages(span.events), () => readIndexedMessages(span.attributes)];
  let empty: Conversation | null = null;
  for (const read of forms) {
    const conversation = read();
    if (!conversation) continue;
    if (conversation.messages.length > 0) return conversation;
    empty ??= conversation;
  }
  return empty;
}

/** A `jsonl_chat` example: `{messages, tools?}`. */
export interface ChatExample {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly unknown[];
}

/**
 * The training example of a conversation: turns after the last assistant message are dropped
 * (nothing to learn from them), and the tools the model was offered are kept. Null when there
 * is no assistant message at all.
 */
export function toChatExample(conversation: Conversation): ChatExample | null {
  let last = conversation.messages.length - 1;
  while (last >= 0 && conversation.messages[last]!.role !== 'assistant') last--;
  if (last < 0) return null;
  const messages = conversation.messages.slice(0, last + 1);
  return conversation.tools && conversation.tools.length > 0 ? { messages, tools: conversation.tools } : { messages };
}
