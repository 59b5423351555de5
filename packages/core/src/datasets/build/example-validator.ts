import type { DatasetFormat } from '../dataset-config.js';

/**
 * Why a record was dropped. The chat codes mirror OpenAI's data-preparation checks
 * (format_errors in the cookbook's "Data preparation and analysis for chat model fine-tuning").
 */
export type InvalidReason =
  | 'invalid_json'
  | 'data_type'
  | 'unrecognized_key'
  | 'missing_messages_list'
  | 'message_data_type'
  | 'message_missing_key'
  | 'message_unrecognized_key'
  | 'unrecognized_role'
  | 'missing_content'
  | 'invalid_tool_call'
  | 'example_missing_assistant_message'
  | 'missing_prompt'
  | 'missing_completion'
  | 'missing_input'
  | 'invalid_preferred_output'
  | 'invalid_non_preferred_output'
  | 'too_many_tokens';

/** A human sentence per reason, for build reports. */
export const INVALID_REASON_MESSAGES: Readonly<Record<InvalidReason, string>> = {
  invalid_json: 'the line is not valid JSON',
  data_type: 'the record is not a JSON object',
  unrecognized_key: 'the record has a key the format does not allow',
  missing_messages_list: 'the record has no messages list',
  message_data_type: 'a message is not a JSON object',
  message_missing_key: 'a message has no role, or no content',
  message_unrecognized_key: 'a message has a key the format does not allow',
  unrecognized_role: 'a message has a role other than system, developer, user, assistant, tool or function',
  missing_content: 'a message has empty or non-text content',
  invalid_tool_call: 'an assistant tool call lacks an id, a function name or string arguments',
  example_missing_assistant_message: 'the conversation has no assistant message to learn from',
  missing_prompt: 'the record has no prompt string',
  missing_completion: 'the record has no completion string',
  missing_input: 'the preference record has no input.messages list',
  invalid_preferred_output: 'preferred_output is not exactly one assistant message with content',
  invalid_non_preferred_output: 'non_preferred_output is not exactly one assistant message with content',
  too_many_tokens: "the example is longer than the base model's per-example token limit",
};

const MESSAGE_KEYS = new Set(['role', 'content', 'name', 'function_call', 'tool_calls', 'tool_call_id', 'weight', 'refusal']);
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const CHAT_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls', 'functions']);
const PREFERENCE_KEYS = new Set(['input', 'preferred_output', 'non_preferred_output']);
const PREFERENCE_INPUT_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls']);

/** The top-level keys a valid record of each format may have (what a grader or a mapper can read). */
export const RECORD_KEYS: Readonly<Record<DatasetFormat, ReadonlySet<string>>> = {
  jsonl_chat: CHAT_KEYS,
  jsonl_prompt_completion: new Set(['prompt', 'completion']),
  jsonl_preference: PREFERENCE_KEYS,
};

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text content is a non-empty string or a non-empty array of parts, each with a type. */
function hasContent(content: unknown): boolean {
  if (typeof content === 'string') return content.length > 0;
  if (Array.isArray(content)) {
    return content.length > 0 && content.every((p) => isObject(p) && typeof p.type === 'string' && (p.type !== 'text' || (typeof p.text === 'string' && p.text.length > 0)));
  }
  return false;
}

function toolCallsValid(calls: unknown): boolean {
  if (!Array.isArray(calls) || calls.length === 0) return false;
  return calls.every(
    (c) => isObject(c) && typeof c.id === 'string' && isObject(c.function) && typeof c.function.name === 'string' && c.function.name.length > 0 && typeof c.function.arguments === 'string',
  );
}

/** Checks one message; an assistant that calls tools (or a function) may omit its content. */
function checkMessage(m: unknown): InvalidReason | null {
  if (!isObject(m)) return 'message_data_type';
  for (const k of Object.keys(m)) if (!MESSAGE_KEYS.has(k)) return 'message_unrecognized_key';
  if (!('role' in m)) return 'message_missing_key';
  if (typeof m.role !== 'string' || !ROLES.has(m.role)) return 'unrecognized_role';
  if (m.tool_calls !== undefined && (m.role !== 'assistant' || !toolCallsValid(m.tool_calls))) return 'invalid_tool_call';
  const callsTools = m.role === 'assistant' && (m.tool_calls !== undefined || isObject(m.function_call));
  if (!('content' in m) && !callsTools) return 'message_missing_key';
  if (callsTools && (m.content === null || m.content === undefined || m.content === '')) return null;
  return hasContent(m.content) ? null : 'missing_content';
}

function checkMessages(messages: unknown, needAssistant: boolean): InvalidReason | null {
  if (!Array.isArray(messages) || messages.length === 0) return 'missing_messages_list';
  for (const m of messages) {
    const reason = checkMessage(m);
    if (reason) return reason;
  }
  if (needAssistant && !messages.some((m) => (m as Obj).role === 'assistant')) return 'example_missing_assistant_message';
  return null;
}

function checkAssistantOutput(output: unknown): boolean {
  return Array.isArray(output) && output.length === 1 && isObject(output[0]) && output[0].role === 'assistant' && checkMessage(output[0]) === null;
}

/** The first rule a parsed record breaks for the format, or null when it is a valid example. */
export function validateExample(record: unknown, format: DatasetFormat): InvalidReason | null {
  if (!isObject(record)) return 'data_type';
  switch (format) {
    case 'jsonl_chat': {
      if (!Array.isArray(record.messages)) return 'missing_messages_list';
      for (const k of Object.keys(record)) if (!CHAT_KEYS.has(k)) return 'unrecognized_key';
      return checkMessages(record.messages, true);
    }
    case 'jsonl_prompt_completion': {
      for (const k of Object.keys(record)) if (k !== 'prompt' && k !== 'completion') return 'unrecognized_key';
      if (typeof record.prompt !== 'string' || record.prompt.length === 0) return 'missing_prompt';
      if (typeof record.completion !== 'string' || record.completion.length === 0) return 'missing_completion';
      return null;
    }
    case 'jsonl_preference': {
      for (const k of Object.keys(record)) if (!PREFERENCE_KEYS.has(k)) return 'unrecognized_key';
      if (!isObject(record.input) || !Array.isArray(record.input.messages)) return 'missing_input';
      for (const k of Object.keys(record.input)) if (!PREFERENCE_INPUT_KEYS.has(k)) return 'unrecognized_key';
      const reason = checkMessages(record.input.messages, false);
      if (reason) return reason;
      if (!checkAssistantOutput(record.preferred_output)) return 'invalid_preferred_output';
      if (!checkAssistantOutput(record.non_preferred_output)) return 'invalid_non_preferred_output';
      return null;
    }
  }
}
