import type { Trace } from '../trace-source.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const ROLE_MAP: Readonly<Record<string, string>> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  ai: 'assistant',
  tool: 'tool',
  function: 'tool',
};

/** Tool calls in OpenAI's shape; arguments that arrive as objects become JSON strings. */
function mapToolCalls(calls: readonly unknown[]): Obj[] {
  return calls.filter(isObject).map((c, i) => {
    const fn = isObject(c.function) ? c.function : c;
    const args = fn.arguments;
    return {
      id: typeof c.id === 'string' ? c.id : `call_${i}`,
      type: 'function',
      function: { name: String(fn.name ?? ''), arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
    };
  });
}

function mapContent(content: unknown): unknown {
  if (content === undefined || content === null) return null;
  if (typeof content === 'string' || Array.isArray(content)) return content;
  return JSON.stringify(content); // a structured tool result is text to the model
}

/**
 * Maps an Orchestrator trace to a `jsonl_chat` example (documented in docs/datasets.md):
 * system/developer → system, user → user, assistant → assistant (with its tool_calls, content
 * null when it only calls tools), tool/function results → tool with their tool_call_id; the
 * trace's tools become the example's tools. Trailing turns after the last assistant message are
 * dropped (nothing to learn from them); ids, ratings, tags and metadata stay out of the file.
 * The result is validated like any other record, so an unusable trace is counted, not guessed at.
 */
export function traceToChatExample(trace: Trace): Obj {
  const messages: Obj[] = [];
  for (const m of trace.messages) {
    const role = ROLE_MAP[m.role] ?? m.role;
    const out: Obj = { role };
    if (role === 'assistant' && m.tool_calls && m.tool_calls.length > 0) {
      out.content = mapContent(m.content);
      out.tool_calls = mapToolCalls(m.tool_calls);
    } else {
      out.content = mapContent(m.content);
    }
    if (role === 'tool' && m.tool_call_id) out.tool_call_id = m.tool_call_id;
    if (m.name && (role === 'user' || role === 'assistant' || role === 'system')) out.name = m.name;
    if (out.content === null && !out.tool_calls) continue; // empty turns carry nothing
    messages.push(out);
  }
  let last = messages.length - 1;
  while (last >= 0 && messages[last]!.role !== 'assistant') last--;
  const example: Obj = { messages: last >= 0 ? messages.slice(0, last + 1) : messages };
  if (trace.tools && trace.tools.length > 0) example.tools = trace.tools;
  return example;
}
