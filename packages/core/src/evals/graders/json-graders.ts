import type { z } from 'zod';
import type { JsonSchemaGrader, JsonValidGrader, ToolCallMatchGrader } from './grader-config.js';
import { binary, type CompiledGrader, type GradeSubject } from './grader-types.js';
import { compileJsonSchema, firstSchemaError } from './json-schema-compiler.js';

type Common = { readonly name: string; readonly weight: number };

function parseJson(text: string | null): { ok: true; value: unknown } | { ok: false } {
  if (text === null) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Output parses as JSON. */
export function jsonValid(c: z.output<typeof JsonValidGrader>, { name, weight }: Common): CompiledGrader {
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    grade(s: GradeSubject) {
      const parsed = parseJson(s.content);
      return binary(name, parsed.ok, parsed.ok ? 'output is valid JSON' : 'output is not valid JSON (malformed)');
    },
  };
}

/** Output is JSON valid against the case's schema, else the grader's. */
export function jsonSchema(c: z.output<typeof JsonSchemaGrader>, { name, weight }: Common): CompiledGrader {
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    grade(s: GradeSubject) {
      const schema = s.jsonSchema ?? c.schema;
      if (!schema) return binary(name, false, 'no JSON schema for this case');
      const parsed = parseJson(s.content);
      if (!parsed.ok) return binary(name, false, 'output is not valid JSON (malformed)');
      const validate = compileJsonSchema(schema);
      const passed = validate(parsed.value) === true;
      return binary(name, passed, passed ? 'output matches the JSON schema' : `output does not match the JSON schema: ${firstSchemaError(validate)}`);
    },
  };
}

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Whether `actual` has every key of `expected` with an equal value (objects compared recursively). */
export function jsonSubset(expected: unknown, actual: unknown): boolean {
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) return jsonEqual(expected, actual);
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
  return Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && jsonSubset(v, (actual as Record<string, unknown>)[k]));
}

/** The model called the expected tool with (a superset of, or exactly) the expected arguments. */
export function toolCallMatch(c: z.output<typeof ToolCallMatchGrader>, { name, weight }: Common): CompiledGrader {
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    grade(s: GradeSubject) {
      const expected = s.expectedToolCall;
      if (!expected) return binary(name, false, 'the case has no expected tool call');
      const calls = s.toolCalls.filter((t) => t.function.name === expected.name);
      if (calls.length === 0) {
        const made = s.toolCalls.map((t) => t.function.name);
        return binary(name, false, made.length === 0 ? `no tool call; expected ${expected.name}` : `called ${made.join(', ')}; expected ${expected.name}`);
      }
      let malformed = 0;
      for (const call of calls) {
        const args = parseJson(call.function.arguments);
        if (!args.ok) {
          malformed += 1;
          continue;
        }
        const want = expected.arguments ?? {};
        if (c.argument_match === 'exact' ? jsonEqual(want, args.value) : jsonSubset(want, args.value)) {
          return binary(name, true, `called ${expected.name} with the expected arguments`);
        }
      }
      if (malformed === calls.length) return binary(name, false, `called ${expected.name} with arguments that are not valid JSON (malformed)`);
      return binary(name, false, `called ${expected.name} with other arguments (${c.argument_match} match)`);
    },
  };
}
