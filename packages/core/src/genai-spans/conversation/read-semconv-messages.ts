import type { OtlpAttributes } from '../otlp/otlp-span.js';
import { chatRole, finishReasonsOf, isObject, resultText, structured, textOf, toolCall, toolDefinitions, ToolCallIds, type ChatMessage, type ChatToolCall, type Conversation } from './chat-message.js';

/** The attributes of the current GenAI conventions that carry content (never kept as filter attributes). */
export const SEMCONV_CONTENT_KEYS = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions'] as const;

/**
 * One GenAI message (`{role, parts: [...]}`) as chat messages: its text parts joined, its
 * `tool_call` parts as tool calls, and each `tool_call_response` part as a tool message (in
 * whatever role it arrives: some providers send tool results as user messages). Blob, file and
 * other part types are left out.
 */
function messagesOf(raw: unknown, fallbackRole: ChatMessage['role'], ids: ToolCallIds): ChatMessage[] {
  if (!isObject(raw)) return [];
  const role = chatRole(raw.role, fallbackRole);
  const parts = Array.isArray(raw.parts) ? raw.parts : raw.content !== undefined ? [{ type: 'text', content: raw.content }] : [];
  const out: ChatMessage[] = [];
  const texts: string[] = [];
  const calls: ChatToolCall[] = [];
  for (const part of parts) {
    if (!isObject(part)) continue;
    switch (part.type) {
      case 'text': {
        const text = textOf(part.content ?? part.text);
        if (text !== null) texts.push(text);
        break;
      }
      case 'tool_call': {
        const call = toolCall(part, ids);
        if (call) calls.push(call);
        break;
      }
      case 'tool_call_response':
        out.push({ role: 'tool', tool_call_id: ids.result(part.id), content: resultText(part.response ?? part.result) });
        break;
      default:
        break;
    }
  }
  const content = texts.length > 0 ? texts.join('\n') : null;
  if (role === 'assistant') {
    if (content !== null || calls.length > 0) out.push(calls.length > 0 ? { role, content, tool_calls: calls } : { role, content });
  } else if (role === 'tool') {
    if (content !== null) out.push({ role, tool_call_id: ids.result(raw.id ?? raw.tool_call_id), content });
  } else if (content !== null) {
    out.push({ role, content });
  }
  return out;
}

/**
 * Reads the current conventions: `gen_ai.system_instructions` (a list of parts), the
 * `gen_ai.input.messages` chat history and the first `gen_ai.output.messages` choice, each
 * recorded structured or as JSON text; `gen_ai.tool.definitions` as the example's tools.
 * Null when the span carries none of the message attributes.
 */
export function readSemconvMessages(attributes: OtlpAttributes): Conversation | null {
  const input = structured(attributes['gen_ai.input.messages']);
  const output = structured(attributes['gen_ai.output.messages']);
  const instructions = structured(attributes['gen_ai.system_instructions']);
  if (!Array.isArray(input) && !Array.isArray(output) && instructions === undefined) return null;
  const ids = new ToolCallIds();
  const messages: ChatMessage[] = [];
  const system = Array.isArray(instructions) ? textOf(instructions.map((p) => (isObject(p) && p.type === 'text' ? p.content : null)).filter((t) => typeof t === 'string')) : textOf(instructions);
  if (system !== null) messages.push({ role: 'system', content: system });
  if (Array.isArray(input)) for (const m of input) messages.push(...messagesOf(m, 'user', ids));
  const finishReasons: string[] = [];
  if (Array.isArray(output) && output.length > 0) {
    // Each output message is one choice; the first is the reply, the others are alternatives.
    messages.push(...messagesOf(output[0], 'assistant', ids));
    for (const choice of output) if (isObject(choice)) finishReasons.push(...finishReasonsOf(choice.finish_reason));
  }
  return { messages, tools: toolDefinitions(attributes['gen_ai.tool.definitions']), finishReasons };
}
