import { chatRole, isObject, structured, textOf, toolCall, toolDefinitions, ToolCallIds, type ChatMessage } from '../genai-spans/conversation/chat-message.js';
import { toChatExample, type ChatExample } from '../genai-spans/conversation/read-conversation.js';
import type { LangfuseObservation } from './langfuse-client.js';

function message(raw: unknown, fallback: ChatMessage['role'], ids: ToolCallIds): ChatMessage | null {
  if (typeof raw === 'string') return { role: fallback, content: raw };
  if (!isObject(raw)) return null;
  const role = chatRole(raw.role ?? raw.type, fallback);
  if (role === 'tool') return { role, content: textOf(raw.content) ?? '', tool_call_id: ids.result(raw.tool_call_id ?? raw.toolCallId) };
  const calls = Array.isArray(raw.tool_calls) ? raw.tool_calls.map((c) => toolCall(c, ids)).filter((c) => c !== null) : [];
  const content = textOf(raw.content);
  if (content === null && calls.length === 0) return null;
  return calls.length > 0 ? { role, content, tool_calls: calls } : { role, content };
}

/** Input messages from the shapes SDK integrations record: a message list, `{messages, tools}`, a prompt string, or one message. */
function inputOf(input: unknown, ids: ToolCallIds): { messages: ChatMessage[]; tools: unknown[] | null } {
  const value = structured(input);
  if (typeof value === 'string') return { messages: [{ role: 'user', content: value }], tools: null };
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.messages) ? value.messages : isObject(value) ? [value] : [];
  const messages = list.map((m) => message(m, 'user', ids)).filter((m) => m !== null);
  return { messages, tools: isObject(value) ? toolDefinitions(value.tools) : null };
}

/** The reply: a string, an assistant message, OpenAI's completion (`choices[0].message`) or a list whose first element is the reply. */
function outputOf(output: unknown, ids: ToolCallIds): ChatMessage | null {
  let value = structured(output);
  if (isObject(value) && Array.isArray(value.choices) && isObject(value.choices[0])) value = value.choices[0].message ?? value.choices[0].text;
  if (Array.isArray(value)) value = value[0];
  return message(value, 'assistant', ids);
}

/**
 * A Langfuse generation as a `jsonl_chat` example (input messages, then the reply; the tools the
 * model was offered kept), or null when it recorded no reply. The same mapping the OTLP receiver
 * applies to spans (roles, content parts, tool calls and results).
 */
export function generationToExample(generation: LangfuseObservation): ChatExample | null {
  const ids = new ToolCallIds();
  const { messages, tools } = inputOf(generation.input, ids);
  const reply = outputOf(generation.output, ids);
  if (!reply) return null;
  return toChatExample({ messages: [...messages, { ...reply, role: 'assistant' }], tools: tools ?? null, finishReasons: [] });
}
