/**
 * fast-check arbitraries from the contract's JSON Schemas: values the schema accepts (ids drawn
 * from the fuzzed tenant's real resources where a property names one), and mutations of them that
 * a careful attacker would try (wrong types, missing and unknown fields, boundary numbers, odd
 * strings, deep nesting). Whether a mutated value is still valid is not decided here: the fuzz
 * test asks the contract (ajv) about the request it finally sends.
 */
import fc from 'fast-check';

type Schema = Record<string, unknown>;

/** Where generated ids come from: a property or parameter name → ids to pick from. */
export type IdSource = (name: string | undefined) => readonly string[];

interface Ctx {
  readonly root: Schema;
  readonly ids: IdSource;
  readonly depth: number;
  readonly name?: string;
}

function deref(root: Schema, node: Schema): Schema {
  let n = node;
  for (let i = 0; typeof n.$ref === 'string' && i < 20; i += 1) {
    let target: unknown = root;
    for (const part of (n.$ref as string).replace(/^#\//, '').split('/')) target = (target as Schema)[part];
    n = target as Schema;
  }
  return n;
}

const RANDOM_UUID = fc.uuid({ version: 7 });

function stringOf(s: Schema, ctx: Ctx): fc.Arbitrary<string> {
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = Math.max(min, Math.min(typeof s.maxLength === 'number' ? s.maxLength : 40, 40));
  switch (s.format) {
    case 'uuid': {
      const pool = ctx.ids(ctx.name);
      return pool.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 4 }, { arbitrary: RANDOM_UUID, weight: 1 }) : RANDOM_UUID;
    }
    case 'date-time':
      return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'uri':
      return fc.constantFrom('https://93.184.216.34/hook', 'https://example.com/x', 'http://127.0.0.1/admin', 'https://169.254.169.254/latest');
    case 'email':
      return fc.constant('ops@example.com');
    default:
  }
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= min && v.length <= (typeof s.maxLength === 'number' ? s.maxLength : Infinity));
    } catch {
      // a pattern JavaScript cannot compile falls through to plain strings
    }
  }
  return fc.string({ minLength: min, maxLength: max, unit: fc.constantFrom(...'abcxyz019-_ .:/é') });
}

function numberOf(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (integer ? 1 : 1e-6) : -1000;
  const hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - (integer ? 1 : 1e-6) : 1_000_000;
  if (integer) return fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
  return fc.oneof(fc.constantFrom(lo, hi), fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }));
}

/** A value the schema accepts (as far as types, enums, required fields and bounds go). */
export function validValue(schema: Schema, ctx: Ctx): fc.Arbitrary<unknown> {
  const s = deref(ctx.root, schema);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const union = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (union && !s.properties) return fc.oneof(...union.map((b) => validValue(b, ctx)));
  const type = Array.isArray(s.type) ? (s.type as string[]).filter((t) => t !== 'null') : s.type;
  const t = Array.isArray(type) ? type[0] : type;
  if (ctx.depth > 8) return fc.constant(t === 'array' ? [] : t === 'object' ? {} : t === 'string' ? 'x' : t === 'boolean' ? true : 1);
  const inner = (name: string | undefined): Ctx => ({ ...ctx, depth: ctx.depth + 1, name });
  switch (t) {
    case 'string':
      return stringOf(s, ctx);
    case 'integer':
      return numberOf(s, true);
    case 'number':
      return numberOf(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      const max = Math.max(min, Math.min(typeof s.maxItems === 'number' ? s.maxItems : 3, 3));
      const items = s.items ? validValue(s.items as Schema, inner(ctx.name)) : fc.jsonValue({ maxDepth: 2 });
      return fc.array(items, { minLength: min, maxLength: max });
    }
    default: {
      const props = s.properties as Record<string, Schema> | undefined;
      if (!props) return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      const required = new Set((s.required as string[] | undefined) ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) record[k] = validValue(v, inner(k));
      return fc.record(record, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
  }
}

/** Strings that have broken servers: NUL, lone surrogates, control and bidi characters, very long, injection-shaped. */
export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\u202e\u0007\u001b[31m',
  '🙂'.repeat(300),
  'x'.repeat(5000),
  'y'.repeat(70_000),
  "' OR 1=1 --",
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '%00%ff',
  '00000000-0000-0000-0000-000000000000',
  '__proto__',
];

const BOUNDARY_NUMBERS: readonly number[] = [-1, 0, 1, -0, 0.5, 2 ** 31, 2 ** 31 - 1, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, 201, 1_000_000_000];

const WRONG_TYPES: readonly unknown[] = [42, -1, 1.5, '42', 'true', true, false, null, [], {}, [1, 'x'], { a: 1 }];

/** A marker the fuzz test swaps for deeply nested JSON text after serialising. */
export const DEEP_MARKER = '\u0001deep\u0001';

export type Mutation =
  | { readonly kind: 'wrong-type'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'drop-key'; readonly at: number; readonly key: number }
  | { readonly kind: 'unknown-key'; readonly at: number; readonly key: string }
  | { readonly kind: 'odd-string'; readonly at: number; readonly value: string }
  | { readonly kind: 'boundary'; readonly at: number; readonly value: number }
  | { readonly kind: 'foreign-id'; readonly at: number }
  | { readonly kind: 'deep'; readonly at: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('wrong-type' as const), at: fc.nat(), value: fc.constantFrom(...WRONG_TYPES) }),
  fc.record({ kind: fc.constant('drop-key' as const), at: fc.nat(), key: fc.nat() }),
  fc.record({ kind: fc.constant('unknown-key' as const), at: fc.nat(), key: fc.constantFrom('bogus', 'tenant_id', 'id', 'constructor', 'status', 'created_at') }),
  fc.record({ kind: fc.constant('odd-string' as const), at: fc.nat(), value: fc.constantFrom(...ODD_STRINGS) }),
  fc.record({ kind: fc.constant('boundary' as const), at: fc.nat(), value: fc.constantFrom(...BOUNDARY_NUMBERS) }),
  fc.record({ kind: fc.constant('foreign-id' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('deep' as const), at: fc.nat() }),
);

type Path = readonly (string | number)[];

function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: unknown = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const p of path) node = (node as Record<string | number, unknown>)[p];
  return node;
}

/** The value with one mutation applied somewhere in it; `foreign` supplies another tenant's id. */
export function mutate(value: unknown, m: Mutation, foreign: (name: string | undefined) => string | undefined): unknown {
  const all = paths(value);
  const path = all[m.at % all.length]!;
  const target = getAt(value, path);
  const name = typeof path[path.length - 1] === 'string' ? (path[path.length - 1] as string) : undefined;
  switch (m.kind) {
    case 'wrong-type':
      return setAt(value, path, m.value);
    case 'odd-string':
      return setAt(value, path, m.value);
    case 'boundary':
      return setAt(value, path, m.value);
    case 'deep':
      return setAt(value, path, DEEP_MARKER);
    case 'foreign-id': {
      // Another tenant's id in place of one of the ids the value holds.
      const idPaths = all.filter((p) => typeof getAt(value, p) === 'string' && /^[0-9a-f-]{36}$/.test(getAt(value, p) as string));
      if (idPaths.length === 0) return value; // nothing here names a resource
      const p = idPaths[m.at % idPaths.length]!;
      const last = p[p.length - 1];
      const id = foreign(typeof last === 'string' ? last : name);
      return id ? setAt(value, p, id) : value;
    }
    case 'drop-key': {
      if (!target || typeof target !== 'object' || Array.isArray(target)) return value;
      const keys = Object.keys(target);
      if (keys.length === 0) return value;
      const copy = { ...(target as Record<string, unknown>) };
      delete copy[keys[m.key % keys.length]!];
      return setAt(value, path, copy);
    }
    case 'unknown-key': {
      if (!target || typeof target !== 'object' || Array.isArray(target)) return setAt(value, path, { [m.key]: 1 });
      return setAt(value, path, { ...(target as Record<string, unknown>), [m.key]: 'x' });
    }
  }
}
