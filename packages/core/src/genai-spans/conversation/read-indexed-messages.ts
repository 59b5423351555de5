import type { OtlpAttributes, OtlpValue } from '../otlp/otlp-span.js';
import { chatRole, finishReasonsOf, resultText, textOf, toolCall, toolDefinitions, ToolCallIds, type ChatMessage, type ChatToolCall, type Conversation, type Json } from './chat-message.js';

const INDEXED_RE = /^gen_ai\.(prompt|completion)\.(\d+)\.(.+)$/;
const TOOL_CALL_RE = /^tool_calls\.(\d+)\.(.+)$/;
const FUNCTION_RE = /^llm\.request\.functions\.(\d+)\.(.+)$/;

/** Whether a key is one of the indexed content attributes (never kept as a filter attribute). */
export function isIndexedContentKey(key: string): boolean {
  return key.startsWith('gen_ai.prompt.') || key.startsWith('gen_ai.completion.') || key.startsWith('llm.request.functions.');
}

interface IndexedMessage {
  fields: Record<string, OtlpValue>;
  calls: Map<number, Json>;
}

function group(attributes: OtlpAttributes): { prompt: Map<number, IndexedMessage>; completion: Map<number, IndexedMessage> } {
  const prompt = new Map<number, IndexedMessage>();
  const completion = new Map<number, IndexedMessage>();
  for (const key in attributes) {
    if (!key.startsWith('gen_ai.')) continue;
    const m = INDEXED_RE.exec(key);
    if (!m) continue;
    const target = m[1] === 'prompt' ? prompt : completion;
    const index = Number(m[2]);
    let entry = target.get(index);
    if (!entry) target.set(index, (entry = { fields: {}, calls: new Map() }));
    const rest = m[3]!;
    const call = TOOL_CALL_RE.exec(rest);
    if (call) {
      const i = Number(call[1]);
      const fields = entry.calls.get(i) ?? {};
      // `.name`/`.arguments` (OpenLLMetry) or `.function.name`/`.function.arguments`.
      fields[call[2]!.replace(/^function\./, '')] = attributes[key];
      entry.calls.set(i, fields);
    } else {
      entry.fields[rest] = attributes[key]!;
    }
  }
  return { prompt, completion };
}

const byIndex = <T>(map: Map<number, T>): T[] => [...map.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);

function callsOf(entry: IndexedMessage, ids: ToolCallIds): ChatToolCall[] {
  return byIndex(entry.calls)
    .map((c) => toolCall(c, ids))
    .filter((c): c is ChatToolCall => c !== null);
}

function message(entry: IndexedMessage, fallback: ChatMessage['role'], ids: ToolCallIds): ChatMessage | null {
  const role = chatRole(entry.fields.role, fallback);
  const content = textOf(entry.fields.content);
  if (role === 'assistant') {
    const calls = callsOf(entry, ids);
    if (content === null && calls.length === 0) return null;
    return calls.length > 0 ? { role, content, tool_calls: calls } : { role, content };
  }
  if (role === 'tool') return { role, tool_call_id: ids.result(entry.fields.tool_call_id), content: resultText(entry.fields.content ?? '') };
  return content === null ? null : { role, content };
}

/** Tool definitions from `llm.request.functions.N.{name,description,parameters}`. */
function indexedFunctions(attributes: OtlpAttributes): unknown[] | null {
  const fns = new Map<number, Json>();
  for (const key in attributes) {
    if (!key.startsWith('llm.request.functions.')) continue;
    const m = FUNCTION_RE.exec(key);
    if (!m) continue;
    const i = Number(m[1]);
    const fn = fns.get(i) ?? {};
    fn[m[2]!] = attributes[key];
    fns.set(i, fn);
  }
  return fns.size > 0 ? toolDefinitions(byIndex(fns)) : null;
}

/**
 * Reads the indexed attributes many instrumentations (OpenLLMetry and those built on it) record:
 * `gen_ai.prompt.N.role|content|tool_call_id|tool_calls.M.*` in order, then
 * `gen_ai.completion.0.*` as the reply (`finish_reason` from every completion); tools from
 * `llm.request.functions.N.*`. Null when there are no such attributes.
 */
export function readIndexedMessages(attributes: OtlpAttributes): Conversation | null {
  const { prompt, completion } = group(attributes);
  if (prompt.size === 0 && completion.size === 0) return null;
  const ids = new ToolCallIds();
  const messages: ChatMessage[] = [];
  for (const entry of byIndex(prompt)) {
    const m = message(entry, 'user', ids);
    if (m) messages.push(m);
  }
  const choices = byIndex(completion);
  const finishReasons = choices.flatMap((c) => finishReasonsOf(c.fields.finish_reason));
  const reply = choices[0] ? message(choices[0], 'assistant', ids) : null;
  if (reply) messages.push(reply);
  return { messages, tools: indexedFunctions(attributes), finishReasons };
}
