import type { z } from 'zod';
import { ValidationError, type FieldError } from './errors.js';

/**
 * Parses untrusted input with a zod schema; failures become one ValidationError listing every
 * field (dotted path) so transports can answer 400 with `errors[]`. Values are never echoed back,
 * since a bad field may hold a secret.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: FieldError[] = result.error.issues.map((issue) => {
    const base = issue.path.map(String).join('.');
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    if (unknownKeys.length > 0) {
      return { path: unknownKeys.map((k) => (base ? `${base}.${k}` : k)).join(', '), message: 'unknown field' };
    }
    return { path: base, message: issue.message };
  });
  return throwValidation(what, fieldErrors);
}

function throwValidation(what: string, fieldErrors: FieldError[]): never {
  throw new ValidationError(`${what} is not valid`, fieldErrors);
}
