import type { OtlpValue } from '../otlp/otlp-span.js';

/** A tool call in OpenAI's chat shape (arguments are JSON text). */
export interface ChatToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** A message of an OpenAI chat fine-tuning example. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string | null;
  readonly tool_calls?: readonly ChatToolCall[];
  readonly tool_call_id?: string;
}

/** The conversation a span recorded, in OpenAI's chat shape, with what the model was offered and why it stopped. */
export interface Conversation {
  /** Input messages, then the first output choice as the assistant reply (when one was recorded). */
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly unknown[] | null;
  readonly finishReasons: readonly string[];
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A value that instrumentations may record structured or as JSON text (the conventions allow
 * both on spans): a string that looks like JSON is parsed, anything else is returned as is.
 */
export function structured(value: OtlpValue | unknown): unknown {
  if (typeof value !== 'string') return value;
  const first = value.trimStart()[0];
  if (first !== '[' && first !== '{') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * Message text from the shapes content takes: a string, OpenAI content parts (`text`), GenAI
 * parts (`content`), or a JSON-encoded list of those; other structured content becomes JSON
 * text. Images and other non-text parts carry nothing FTM can train on and are left out.
 */
export function textOf(content: unknown): string | null {
  if (content === undefined || content === null) return null;
  if (typeof content === 'string') {
    const parsed = structured(content);
    return Array.isArray(parsed) && parsed.every(isObject) ? textOf(parsed) : content;
  }
  if (typeof content === 'number' || typeof content === 'boolean') return String(content);
  if (Array.isArray(content)) {
    const texts: string[] = [];
    for (const part of content) {
      if (typeof part === 'string') texts.push(part);
      else if (isObject(part) && (part.type === undefined || part.type === 'text' || part.type === 'input_text' || part.type === 'output_text')) {
        const text = typeof part.text === 'string' ? part.text : typeof part.content === 'string' ? part.content : null;
        if (text !== null) texts.push(text);
      }
    }
    return texts.length > 0 ? texts.join('\n') : null;
  }
  return JSON.stringify(content);
}

/** Tool-call arguments as JSON text: a string is kept as the model produced it, a structure is serialised. */
export function argumentsText(args: unknown): string {
  if (typeof args === 'string') return args;
  return JSON.stringify(args ?? {});
}

/** A tool result as the text a tool message carries. */
export function resultText(result: unknown): string {
  if (typeof result === 'string') return result;
  return JSON.stringify(result ?? null);
}

/** Maps role names the conventions and instrumentations use to the chat roles. */
export function chatRole(role: unknown, fallback: ChatMessage['role']): ChatMessage['role'] {
  switch (role) {
    case 'system':
    case 'developer':
      return 'system';
    case 'user':
    case 'human':
      return 'user';
    case 'assistant':
    case 'ai':
    case 'model':
    case 'bot':
      return 'assistant';
    case 'tool':
    case 'function':
      return 'tool';
    default:
      return fallback;
  }
}

/**
 * Gives tool calls and tool results matching ids: a call without an id gets `call_<n>`, and a
 * result without one answers the oldest call not answered yet.
 */
export class ToolCallIds {
  #next = 0;
  readonly #pending: string[] = [];

  call(id: unknown): string {
    const value = typeof id === 'string' && id.trim() !== '' ? id.trim() : `call_${this.#next}`;
    this.#next += 1;
    this.#pending.push(value);
    return value;
  }

  result(id: unknown): string {
    if (typeof id === 'string' && id.trim() !== '') {
      const value = id.trim();
      const at = this.#pending.indexOf(value);
      if (at !== -1) this.#pending.splice(at, 1);
      return value;
    }
    return this.#pending.shift() ?? `call_${this.#next++}`;
  }
}

/** A tool call in OpenAI's shape from `{id, name, arguments}` or `{id, function: {name, arguments}}`. */
export function toolCall(raw: unknown, ids: ToolCallIds): ChatToolCall | null {
  if (!isObject(raw)) return null;
  const fn = isObject(raw.function) ? raw.function : raw;
  const name = typeof fn.name === 'string' ? fn.name : null;
  if (!name) return null;
  // Arguments recorded as a JSON string stay as the model wrote them; structured ones are serialised.
  return { id: ids.call(raw.id), type: 'function', function: { name, arguments: argumentsText(fn.arguments) } };
}

/**
 * Tool definitions in OpenAI's shape, from the shapes instrumentations record them in:
 * `{type: 'function', function: {...}}` as is, or a flat `{name, description, parameters}`.
 */
export function toolDefinitions(raw: unknown): unknown[] | null {
  const list = structured(raw);
  if (!Array.isArray(list)) return null;
  const tools: unknown[] = [];
  for (const t of list) {
    if (!isObject(t)) continue;
    if (isObject(t.function) && typeof t.function.name === 'string') {
      tools.push({ type: 'function', function: t.function });
      continue;
    }
    if (typeof t.name !== 'string') continue;
    const fn: Json = { name: t.name };
    if (typeof t.description === 'string') fn.description = t.description;
    const parameters = structured(t.parameters ?? t.input_schema ?? t.inputSchema);
    if (isObject(parameters)) fn.parameters = parameters;
    tools.push({ type: 'function', function: fn });
  }
  return tools.length > 0 ? tools : null;
}

/** Finish reasons from a string, a list, or JSON text of a list. */
export function finishReasonsOf(value: unknown): string[] {
  const v = structured(value);
  if (typeof v === 'string' && v !== '') return [v];
  if (Array.isArray(v)) return v.filter((r): r is string => typeof r === 'string' && r !== '');
  return [];
}
