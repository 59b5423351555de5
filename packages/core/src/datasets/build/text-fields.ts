import type { DatasetFormat } from '../dataset-config.js';
import { exceedsJsonDepth } from '../../shared/json-limits.js';

/** Given one text field, what to put in its place (the same string to keep it). */
export type TextRewriter = (text: string) => string;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Tool-call arguments are JSON in a string: visit their leaves (numbers too, since a phone or
 * card number is often a bare number there) so a redaction keeps the arguments valid JSON.
 * Unparsable arguments are treated as one text.
 */
function rewriteArguments(args: string, rewrite: TextRewriter): string {
  let parsed: unknown;
  // Arguments nested too deep for the recursive visit below are redacted as one text.
  if (exceedsJsonDepth(args)) return rewrite(args);
  try {
    parsed = JSON.parse(args);
  } catch {
    return rewrite(args);
  }
  if (typeof parsed !== 'object' || parsed === null) return rewrite(args);
  let changed = false;
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string' || typeof node === 'number') {
      const before = String(node);
      const after = rewrite(before);
      if (after === before) return node;
      changed = true;
      return after;
    }
    if (Array.isArray(node)) return node.map(visit);
    if (isObject(node)) {
      const out: Obj = {};
      for (const [k, v] of Object.entries(node)) out[k] = visit(v);
      return out;
    }
    return node;
  };
  const next = visit(parsed);
  return changed ? JSON.stringify(next) : args;
}

function rewriteContent(content: unknown, rewrite: TextRewriter): unknown {
  if (typeof content === 'string') return rewrite(content);
  if (Array.isArray(content)) {
    for (const part of content) if (isObject(part) && typeof part.text === 'string') part.text = rewrite(part.text);
  }
  return content;
}

function rewriteMessage(m: unknown, rewrite: TextRewriter): void {
  if (!isObject(m)) return;
  if ('content' in m) m.content = rewriteContent(m.content, rewrite);
  if (typeof m.refusal === 'string') m.refusal = rewrite(m.refusal);
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls) {
      if (isObject(call) && isObject(call.function) && typeof call.function.arguments === 'string') {
        call.function.arguments = rewriteArguments(call.function.arguments, rewrite);
      }
    }
  }
  if (isObject(m.function_call) && typeof m.function_call.arguments === 'string') {
    m.function_call.arguments = rewriteArguments(m.function_call.arguments, rewrite);
  }
}

/** Tool definitions reach the training file too; their free text lives in descriptions. */
function rewriteDescriptions(node: unknown, rewrite: TextRewriter): void {
  if (Array.isArray(node)) {
    for (const n of node) rewriteDescriptions(n, rewrite);
  } else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'description' && typeof v === 'string') node[k] = rewrite(v);
      else rewriteDescriptions(v, rewrite);
    }
  }
}

/**
 * Rewrites, in place and in a fixed order, every free-text field of a validated example that
 * ends up in the training file: message content (and content-part text), refusals, tool-call
 * arguments, tool descriptions, prompt and completion. Structural fields (roles, ids, function
 * and participant names, types) are left alone: placeholders there would break the format.
 * The same traversal collects texts and, with the same order, puts rewritten ones back.
 */
export function rewriteTextFields(example: Obj, format: DatasetFormat, rewrite: TextRewriter): void {
  switch (format) {
    case 'jsonl_chat':
      if (Array.isArray(example.messages)) for (const m of example.messages) rewriteMessage(m, rewrite);
      if (example.tools !== undefined) rewriteDescriptions(example.tools, rewrite);
      if (example.functions !== undefined) rewriteDescriptions(example.functions, rewrite);
      return;
    case 'jsonl_prompt_completion':
      if (typeof example.prompt === 'string') example.prompt = rewrite(example.prompt);
      if (typeof example.completion === 'string') example.completion = rewrite(example.completion);
      return;
    case 'jsonl_preference':
      if (isObject(example.input)) {
        if (Array.isArray(example.input.messages)) for (const m of example.input.messages) rewriteMessage(m, rewrite);
        if (example.input.tools !== undefined) rewriteDescriptions(example.input.tools, rewrite);
      }
      for (const key of ['preferred_output', 'non_preferred_output'] as const) {
        const out = example[key];
        if (Array.isArray(out)) for (const m of out) rewriteMessage(m, rewrite);
      }
      return;
  }
}

/** The example's free-text fields, in traversal order. */
export function collectTextFields(example: Obj, format: DatasetFormat): string[] {
  const texts: string[] = [];
  rewriteTextFields(example, format, (t) => {
    texts.push(t);
    return t;
  });
  return texts;
}

/** Puts texts (as collectTextFields listed them) back into the example, in place. */
export function applyTextFields(example: Obj, format: DatasetFormat, texts: readonly string[]): void {
  let i = 0;
  rewriteTextFields(example, format, (t) => {
    const next = texts[i++];
    return next === undefined ? t : next;
  });
  if (i !== texts.length) throw new Error(`expected ${i} text fields, got ${texts.length}`);
}
