import type { GptEncoding } from 'gpt-tokenizer/GptEncoding';
import type { TokenEncoding } from '../base-models.js';
import type { DatasetFormat } from '../dataset-config.js';
import { readMergeableRanks } from './tokenizer-ranks.js';

/** Counts the tokens of one string. */
export type CountText = (text: string) => number;

// Training data may legitimately quote special tokens ("<|endoftext|>"): count them as text.
const PLAIN = { disallowedSpecial: new Set<string>() };
// One load per encoding and thread, shared by concurrent first callers.
const loaded = new Map<TokenEncoding, Promise<CountText>>();
const MEMO_MAX_ENTRIES = 4096;
const MEMO_MAX_CHARS = 2048;
const MERGE_CACHE_ENTRIES = 10_000;
const SEEN_ONCE_MAX = 16_384;

/**
 * A 31-bit fingerprint of a text (its length and up to 17 sampled units): recognises a text seen
 * before without keeping it. A collision only memoises a text that did not repeat.
 */
function fingerprint(text: string): number {
  const length = text.length;
  const step = length > 16 ? length >> 4 : 1;
  let h = length;
  for (let i = 0; i < length; i += step) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h ^ text.charCodeAt(length - 1)) & 0x7fffffff;
}

/**
 * gpt-tokenizer's API for an encoding: built from its rank table read as data (see
 * tokenizer-ranks.ts), as the library's own encoding module builds it from the imported table.
 */
async function loadEncoding(encoding: TokenEncoding): Promise<Pick<GptEncoding, 'countTokens' | 'setMergeCacheSize'>> {
  const ranks = await readMergeableRanks(encoding);
  if (ranks) {
    const { GptEncoding: Encoding } = await import('gpt-tokenizer/GptEncoding');
    return Encoding.getEncodingApi(encoding, () => ranks);
  }
  return encoding === 'o200k_base' ? import('gpt-tokenizer/encoding/o200k_base') : import('gpt-tokenizer/encoding/cl100k_base');
}

/**
 * A token counter for an encoding, backed by gpt-tokenizer. Each encoding's rank table takes
 * a few hundred milliseconds and ~20 MB to load, so only the one a build needs is loaded, once
 * per thread.
 */
export function loadTextCounter(encoding: TokenEncoding): Promise<CountText> {
  let counter = loaded.get(encoding);
  if (!counter) {
    counter = newTextCounter(encoding);
    // A failed load is not kept: the next call tries again.
    counter.catch(() => loaded.delete(encoding));
    loaded.set(encoding, counter);
  }
  return counter;
}

async function newTextCounter(encoding: TokenEncoding): Promise<CountText> {
  const { countTokens, setMergeCacheSize } = await loadEncoding(encoding);
  // gpt-tokenizer keeps up to 100k merged pieces per thread by default; on real text (ids,
  // numbers, names) that cache only grows with the dataset. A tenth of it keeps the hit rate on
  // common words and the memory of each thread flat.
  setMergeCacheSize(MERGE_CACHE_ENTRIES);
  // Datasets repeat texts (system prompts, roles, canned replies): count each once. Bounded in
  // entries and text length, cleared when full, so it never holds more than a few MB. A text
  // enters the memo on its second sighting only (a fingerprint remembers the first): memoising
  // every unique text kept each alive until the next clear, so the young-generation collector
  // copied it twice and promoted it — most of a worker's garbage-collection time.
  const memo = new Map<string, number>();
  const seenOnce = new Set<number>();
  return (text) => {
    if (text.length === 0) return 0;
    if (text.length > MEMO_MAX_CHARS) return countTokens(text, PLAIN);
    let n = memo.get(text);
    if (n === undefined) {
      n = countTokens(text, PLAIN);
      const print = fingerprint(text);
      if (seenOnce.has(print)) {
        if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
        memo.set(text, n);
      } else {
        if (seenOnce.size >= SEEN_ONCE_MAX) seenOnce.clear();
        seenOnce.add(print);
      }
    }
    return n;
  };
}

// OpenAI cookbook "How to count tokens with tiktoken": every message costs 3 tokens of framing
// (+1 when it carries a name), and every reply is primed with 3 more.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;
// Same cookbook, tool definitions ("num_tokens_for_tools"): framing costs per function/property.
const FUNC_INIT = 7;
const PROP_INIT = 3;
const PROP_KEY = 3;
const ENUM_INIT = -3;
const ENUM_ITEM = 3;
const FUNC_END = 12;
// A low-detail image is a flat 85 tokens; higher detail depends on pixels we do not fetch.
const IMAGE_PART_TOKENS = 85;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function contentTokens(content: unknown, count: CountText): number {
  if (typeof content === 'string') return count(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (!isObject(part)) continue;
    if (typeof part.text === 'string') n += count(part.text);
    else if (part.type === 'image_url') n += IMAGE_PART_TOKENS;
  }
  return n;
}

function messageTokens(m: unknown, count: CountText): number {
  if (!isObject(m)) return 0;
  let n = TOKENS_PER_MESSAGE + count(str(m.role)) + contentTokens(m.content, count);
  if (typeof m.name === 'string') n += count(m.name) + TOKENS_PER_NAME;
  if (typeof m.refusal === 'string') n += count(m.refusal);
  if (Array.isArray(m.tool_calls)) {
    for (const c of m.tool_calls) {
      if (isObject(c) && isObject(c.function)) n += TOKENS_PER_MESSAGE + count(str(c.function.name)) + count(str(c.function.arguments));
    }
  }
  if (isObject(m.function_call)) n += count(str(m.function_call.name)) + count(str(m.function_call.arguments));
  return n;
}

function toolsTokens(tools: unknown, count: CountText): number {
  if (!Array.isArray(tools) || tools.length === 0) return 0;
  let n = 0;
  for (const t of tools) {
    const fn = isObject(t) && isObject(t.function) ? t.function : isObject(t) ? t : undefined;
    if (!fn) continue;
    n += FUNC_INIT + count(`${str(fn.name)}:${str(fn.description).replace(/\.$/, '')}`);
    const props = isObject(fn.parameters) && isObject(fn.parameters.properties) ? fn.parameters.properties : {};
    const keys = Object.keys(props);
    if (keys.length > 0) n += PROP_INIT;
    for (const key of keys) {
      const p = isObject(props[key]) ? (props[key] as Obj) : {};
      n += PROP_KEY;
      if (Array.isArray(p.enum)) {
        n += ENUM_INIT;
        for (const item of p.enum) n += ENUM_ITEM + count(String(item));
      }
      n += count(`${key}:${str(p.type)}:${str(p.description).replace(/\.$/, '')}`);
    }
  }
  return n + FUNC_END;
}

function chatTokens(messages: unknown, tools: unknown, count: CountText): number {
  let n = REPLY_PRIMING + toolsTokens(tools, count);
  if (Array.isArray(messages)) for (const m of messages) n += messageTokens(m, count);
  return n;
}

/**
 * Tokens one validated example costs in training, by OpenAI's counting rule for chat (message
 * framing, names, tool calls and tool definitions); a preference example counts its input with
 * the longer of its two outputs; prompt/completion is the sum of both texts.
 */
export function countExampleTokens(example: Obj, format: DatasetFormat, count: CountText): number {
  switch (format) {
    case 'jsonl_chat':
      return chatTokens(example.messages, example.tools ?? example.functions, count);
    case 'jsonl_prompt_completion':
      return count(str(example.prompt)) + count(str(example.completion));
    case 'jsonl_preference': {
      const input = isObject(example.input) ? example.input : {};
      const base = chatTokens(input.messages, input.tools, count);
      const out = (o: unknown): number => (Array.isArray(o) ? o.reduce<number>((n, m) => n + messageTokens(m, count), 0) : 0);
      return base + Math.max(out(example.preferred_output), out(example.non_preferred_output));
    }
  }
}
