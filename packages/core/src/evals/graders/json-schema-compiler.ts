import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

// One compiler for the process: ajv caches compiled schemas by identity, and suites reuse theirs.
const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
const cache = new Map<string, ValidateFunction>();

/** Largest schema (bytes of JSON) a grader may carry. */
export const MAX_SCHEMA_BYTES = 100_000;

/** The reason a JSON Schema (draft 2020-12) is unusable, or null when it compiles. */
export function jsonSchemaProblem(schema: unknown): string | null {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return 'must be a JSON Schema object';
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) return `is larger than ${MAX_SCHEMA_BYTES} bytes`;
  try {
    compileJsonSchema(schema as Record<string, unknown>);
    return null;
  } catch (error) {
    return `is not a valid JSON Schema: ${(error as Error).message.slice(0, 300)}`;
  }
}

/** A validator for a schema, compiled once per distinct schema text. */
export function compileJsonSchema(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = cache.get(key);
  if (!validate) {
    // $id would make ajv refuse a second compile of the same id with other content; the cache key decides.
    const { $id: _id, ...rest } = schema;
    validate = ajv.compile(rest);
    if (cache.size > 1_000) cache.clear();
    cache.set(key, validate);
  }
  return validate;
}

/** The first validation error of the last call, as one short line. */
export function firstSchemaError(validate: ValidateFunction): string {
  const e = validate.errors?.[0];
  return e ? `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}` : 'does not match the schema';
}
