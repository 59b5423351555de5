import type { OtlpSpanEvent } from '../otlp/otlp-span.js';
import { chatRole, finishReasonsOf, isObject, resultText, structured, textOf, toolCall, ToolCallIds, type ChatMessage, type ChatToolCall, type Conversation, type Json } from './chat-message.js';

/** Event names of the GenAI conventions up to v1.36, and the role each stands for. */
const MESSAGE_EVENTS: Readonly<Record<string, ChatMessage['role']>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};
const CHOICE_EVENT = 'gen_ai.choice';
/** Before v1.28 the whole prompt and completion travelled as JSON in one event each. */
const LEGACY_PROMPT_EVENT = 'gen_ai.content.prompt';
const LEGACY_COMPLETION_EVENT = 'gen_ai.content.completion';

/**
 * The event's body. As span events have no body, instrumentations put it in
 * `gen_ai.event.content` (JSON text or a kvlist); some set its fields as event attributes.
 */
function bodyOf(event: OtlpSpanEvent): Json {
  const content = structured(event.attributes['gen_ai.event.content']);
  if (isObject(content)) return content;
  if (typeof content === 'string') return { content };
  return event.attributes as Json;
}

function callsOf(raw: unknown, ids: ToolCallIds): ChatToolCall[] {
  const list = structured(raw);
  if (!Array.isArray(list)) return [];
  return list.map((c) => toolCall(c, ids)).filter((c): c is ChatToolCall => c !== null);
}

function assistantMessage(body: Json, ids: ToolCallIds): ChatMessage | null {
  const content = textOf(body.content);
  const calls = callsOf(body.tool_calls, ids);
  if (content === null && calls.length === 0) return null;
  return calls.length > 0 ? { role: 'assistant', content, tool_calls: calls } : { role: 'assistant', content };
}

/** An OpenAI-shaped message of the legacy JSON prompt. */
function legacyMessage(raw: unknown, ids: ToolCallIds): ChatMessage | null {
  if (!isObject(raw)) return null;
  const role = chatRole(raw.role, 'user');
  if (role === 'assistant') return assistantMessage(raw, ids);
  const content = textOf(raw.content);
  if (content === null) return null;
  return role === 'tool' ? { role, tool_call_id: ids.result(raw.tool_call_id ?? raw.id), content } : { role, content };
}

/**
 * Reads the event form of the GenAI conventions (v1.36 and before): `gen_ai.system.message`,
 * `gen_ai.user.message`, `gen_ai.assistant.message`, `gen_ai.tool.message` in order, then the
 * `gen_ai.choice` of index 0 as the reply; and the older `gen_ai.content.prompt` /
 * `gen_ai.content.completion` events (`gen_ai.prompt` / `gen_ai.completion` JSON). Null when
 * the span has none of these events.
 */
export function readEventMessages(events: readonly OtlpSpanEvent[]): Conversation | null {
  const ids = new ToolCallIds();
  const messages: ChatMessage[] = [];
  const finishReasons: string[] = [];
  let reply: ChatMessage | null = null;
  let seen = false;
  for (const event of events) {
    const role = MESSAGE_EVENTS[event.name];
    if (role) {
      seen = true;
      const body = bodyOf(event);
      if (role === 'assistant') {
        const m = assistantMessage(body, ids);
        if (m) messages.push(m);
      } else if (role === 'tool') {
        messages.push({ role, tool_call_id: ids.result(body.id ?? body.tool_call_id), content: resultText(body.content) });
      } else {
        const content = textOf(body.content);
        if (content !== null) messages.push({ role, content }); // body.role is the author's own name for it (`customer`)
      }
    } else if (event.name === CHOICE_EVENT) {
      seen = true;
      const body = bodyOf(event);
      finishReasons.push(...finishReasonsOf(body.finish_reason));
      const index = typeof body.index === 'number' ? body.index : 0;
      if (reply || index !== 0) continue;
      const message = isObject(body.message) ? body.message : {};
      // The v1.36 table lists tool_calls beside `message`; instrumentations put them in either place.
      reply = assistantMessage({ content: message.content, tool_calls: message.tool_calls ?? body.tool_calls }, ids);
    } else if (event.name === LEGACY_PROMPT_EVENT) {
      seen = true;
      const prompt = structured(event.attributes['gen_ai.prompt']);
      if (Array.isArray(prompt))
        for (const m of prompt) {
          const mapped = legacyMessage(m, ids);
          if (mapped) messages.push(mapped);
        }
      else if (typeof prompt === 'string') messages.push({ role: 'user', content: prompt });
    } else if (event.name === LEGACY_COMPLETION_EVENT) {
      seen = true;
      const completion = structured(event.attributes['gen_ai.completion']);
      const first: unknown = Array.isArray(completion) ? completion[0] : typeof completion === 'string' ? { role: 'assistant', content: completion } : completion;
      if (isObject(first)) {
        finishReasons.push(...finishReasonsOf(first.finish_reason));
        reply ??= assistantMessage(isObject(first.message) ? first.message : first, ids);
      }
    }
  }
  if (!seen) return null;
  if (reply) messages.push(reply);
  return { messages, tools: null, finishReasons };
}
