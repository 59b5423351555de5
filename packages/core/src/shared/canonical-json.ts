import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth (code-unit order), keys whose value is undefined left
 * out, and undefined elsewhere written as null: equal values always give equal text, whatever order
 * their keys were written in. Request fingerprints, dataset config hashes and prompt digests all
 * use this one, so the same value always hashes the same.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** SHA-256 hex of the canonical JSON of a value (config hashes, prompt digests). */
export function canonicalSha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
