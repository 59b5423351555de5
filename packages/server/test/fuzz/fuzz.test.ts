/**
 * Property-based fuzzing from the contract: for every operation of docs/openapi.yaml, requests
 * generated from its parameters and body schema, valid and mutated (wrong types, missing and
 * unknown fields, boundary numbers, odd strings, deep nesting, bad ids, the other tenant's ids),
 * sent to the in-process app (PGlite) with two seeded tenants, always as tenant A. Asserted on
 * every answer: no 5xx; the answer matches the contract (the contract hook of every test app);
 * a request the contract refuses never gets a 2xx; nothing of tenant B is ever returned.
 *
 * Fixed seed and FTM_FUZZ_RUNS runs per operation (default 6 in the suite); `pnpm fuzz` runs 600 (100×).
 * A failure prints the seed and the shrunk request; FTM_FUZZ_SEED replays another seed.
 */
import fc from 'fast-check';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { uuidv7 } from '@ftm/core';
import { contractOperations, loadContract } from '../../src/contract/load-contract.js';
import { UNIMPLEMENTED_OPERATIONS } from '../../src/contract/unimplemented-operations.js';
import { takeContractViolations } from '../support/contract-setup.js';
import { createTestApp, type TestApp } from '@ftm/test-support/server-app';
import { DEEP_MARKER, mutate, mutationArb, ODD_STRINGS, validValue, type Mutation } from './schema-arbitrary.js';
import { kindOfName, kindOfPath, seedTenantResources, type Pools, type SeededTenant } from './fuzz-world.js';

const RUNS = Number(process.env.FTM_FUZZ_RUNS ?? 6);
const SEED = Number(process.env.FTM_FUZZ_SEED ?? 20261208);

type Schema = Record<string, unknown>;
const doc = loadContract();
const root = doc as Schema;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

// The request oracle: the contract's own schemas, objects with declared properties closed (as the
// response check does), query and path values coerced from their text.
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema))
    out[k] = k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, closeObjects(s)])) : closeObjects(v);
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}
const ajv = new Ajv2020({ strict: false, allErrors: false, coerceTypes: true });
addFormats(ajv);
for (const f of ['int32', 'int64', 'float', 'double', 'binary', 'byte', 'password']) ajv.addFormat(f, true);
ajv.addSchema({ ...(closeObjects(doc) as Schema), $id: 'contract' });
const withContractRefs = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#/g, '"$ref":"contract#'));

interface Param {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: Schema;
}

interface Operation {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly public: boolean;
  readonly params: readonly Param[];
  readonly body?: { readonly type: string; readonly schema: Schema; readonly required: boolean };
  readonly checkParams: ValidateFunction;
  readonly checkBody?: ValidateFunction;
}

function deref<T>(node: T): T {
  let n = node as Schema;
  while (typeof n?.$ref === 'string') {
    let target: unknown = root;
    for (const part of (n.$ref as string).replace(/^#\//, '').split('/')) target = (target as Schema)[part];
    n = target as Schema;
  }
  return n as T;
}

function operation(method: string, path: string, id: string): Operation {
  const item = doc.paths[path]!;
  const op = item[method.toLowerCase()] as Schema;
  const params = [...((item.parameters as Schema[] | undefined) ?? []), ...((op.parameters as Schema[] | undefined) ?? [])].map((p) => {
    const d = deref(p);
    return { name: String(d.name), in: d.in as Param['in'], required: Boolean(d.required), schema: d.schema as Schema };
  });
  const location = (where: Param['in'], closed: boolean) => ({
    type: 'object',
    properties: Object.fromEntries(params.filter((p) => p.in === where).map((p) => [where === 'header' ? p.name.toLowerCase() : p.name, p.schema])),
    required: params.filter((p) => p.in === where && p.required).map((p) => (where === 'header' ? p.name.toLowerCase() : p.name)),
    additionalProperties: !closed,
  });
  const paramSchema = { type: 'object', properties: { path: location('path', true), query: location('query', true), header: location('header', false) } };
  const rb = op.requestBody ? deref(op.requestBody as Schema) : undefined;
  const content = rb?.content as Record<string, { schema: Schema }> | undefined;
  const type = content ? (Object.keys(content).find((t) => t === 'application/json') ?? Object.keys(content)[0]!) : undefined;
  const body = type ? { type, schema: content![type]!.schema, required: Boolean(rb!.required) } : undefined;
  return {
    id,
    method,
    path,
    public: Array.isArray(op.security) && op.security.length === 0,
    params,
    body,
    checkParams: ajv.compile(withContractRefs(paramSchema) as Schema),
    checkBody: body && type === 'application/json' ? ajv.compile(withContractRefs(body.schema) as Schema) : undefined,
  };
}

// GET /events answers a stream that stays open (app.inject waits for its end); its refusals are
// exercised in contract.test.ts and events.test.ts.
const SKIPPED = new Set(['streamEvents', ...UNIMPLEMENTED_OPERATIONS]);
const OPERATIONS = contractOperations(doc)
  .filter((o) => !SKIPPED.has(o.operationId))
  .map((o) => operation(o.method, o.path, o.operationId));

/** One generated request, before it is turned into an HTTP request. */
interface Draft {
  readonly key: 'admin' | 'member' | 'scoped' | 'none' | 'bogus';
  readonly path: Record<string, { readonly source: 'own' | 'foreign' | 'random' | 'odd'; readonly pick: number; readonly odd: string }>;
  readonly query: Record<string, unknown>;
  readonly unknownQuery: boolean;
  readonly idempotencyKey: boolean;
  readonly body: unknown;
  readonly mutation: Mutation | null;
  readonly rawBody: string | null;
}

let t: TestApp;
/** Answers by status class, printed at the end: a fuzzer that only ever hits 400s proves little. */
const tally = new Map<string, number>();
let A: SeededTenant;
let B: SeededTenant;

const poolFor = (pools: Pools, name: string | undefined, path?: string): string[] => {
  const kind = (path ? kindOfPath(path) : undefined) ?? kindOfName(name);
  return kind ? pools[kind] : [];
};

function draftArb(op: Operation): fc.Arbitrary<Draft> {
  const own = (name: string | undefined) => poolFor(A.ids, name);
  const path: Record<string, fc.Arbitrary<Draft['path'][string]>> = {};
  for (const p of op.params.filter((x) => x.in === 'path')) {
    path[p.name] = fc.record({
      source: fc.constantFrom('own', 'own', 'own', 'own', 'own', 'own', 'foreign', 'random', 'odd') as fc.Arbitrary<'own' | 'foreign' | 'random' | 'odd'>,
      pick: fc.nat(),
      odd: fc.constantFrom('nope', '123', '00000000-0000-0000-0000-000000000000', '%00', 'openai', 'simulated', 'azure_openai', 'together', uuidv7().toUpperCase(), 'a'.repeat(300)),
    });
  }
  const query: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of op.params.filter((x) => x.in === 'query')) {
    query[p.name] = fc.oneof(
      { arbitrary: validValue(p.schema, { root, ids: own, depth: 0, name: p.name }), weight: 3 },
      { arbitrary: fc.constantFrom('abc', '-1', '0', '1e400', 'true', ...ODD_STRINGS.slice(0, 8)), weight: 1 },
      { arbitrary: fc.constantFrom(...poolFor(B.ids, p.name).slice(0, 3), 'x'), weight: 1 },
    );
  }
  const bodyArb = op.body
    ? op.body.type === 'application/json'
      ? validValue(op.body.schema, { root, ids: own, depth: 0 })
      : fc.constantFrom('{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n', 'not json\n', '{"text":"\\u0000"}\n', '\u0000\u0001', '')
    : fc.constant(undefined);
  return fc.record({
    key: fc.constantFrom('admin', 'admin', 'admin', 'member', 'member', 'member', 'scoped', 'none', 'bogus') as fc.Arbitrary<Draft['key']>,
    path: fc.record(path),
    query: fc.record(query, { requiredKeys: [] }),
    unknownQuery: fc.oneof({ arbitrary: fc.constant(false), weight: 7 }, { arbitrary: fc.constant(true), weight: 1 }), // ?bogus=1
    idempotencyKey: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
    body: bodyArb,
    mutation: fc.option(mutationArb, { freq: 2 }),
    rawBody: fc.option(fc.constantFrom('{', '', 'null', '[]', '"x"', '{"a":', '\u0000'), { freq: 12 }),
  });
}

const TEXT_BAD = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/**
 * Percent-encodes a query value as a client that does not check its strings would: a lone
 * surrogate becomes the three bytes a careless UTF-8 encoder writes for it (URLSearchParams would
 * quietly send U+FFFD instead, and the server would never see it).
 */
function encodeQuery(value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** Whether any string (or key) in a JSON value holds NUL or a lone surrogate, which the edge refuses. */
function hasBadText(v: unknown): boolean {
  if (typeof v === 'string') return TEXT_BAD.test(v);
  if (Array.isArray(v)) return v.some(hasBadText);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => TEXT_BAD.test(k) || hasBadText(x));
  return false;
}
const deepText = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

/** The request to send, and what the contract says of it. */
function build(op: Operation, d: Draft) {
  const keys = { admin: A.tenant.adminKey, member: A.tenant.memberKey, scoped: A.tenant.scopedKey, none: null, bogus: 'ftm_bogus_key' } as const;
  let foreign = false;
  let url = op.path;
  const pathValues: Record<string, string> = {};
  for (const [name, v] of Object.entries(d.path)) {
    const ownPool = poolFor(A.ids, name, op.path);
    const otherPool = poolFor(B.ids, name, op.path);
    let value: string;
    if (v.source === 'own' && ownPool.length > 0) value = ownPool[v.pick % ownPool.length]!;
    else if (v.source === 'foreign' && otherPool.length > 0) {
      value = otherPool[v.pick % otherPool.length]!;
      foreign = true;
    } else if (v.source === 'odd' || name === 'provider') value = v.odd;
    else value = uuidv7();
    pathValues[name] = value;
    url = url.replace(`{${name}}`, encodeURIComponent(value));
  }
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.query)) query[k] = Array.isArray(v) ? v.join(',') : String(v);
  if (d.unknownQuery) query.bogus = '1';
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeQuery(k)}=${encodeQuery(v)}`)
    .join('&');
  const headers: Record<string, string> = {};
  const key = keys[d.key];
  if (key) headers.authorization = `Bearer ${key}`;
  const mutating = op.method !== 'GET' && op.method !== 'DELETE';
  if (mutating && d.idempotencyKey) headers['idempotency-key'] = uuidv7();

  let payload: string | undefined;
  let bodyValid = true;
  let body = d.body;
  if (op.body?.type === 'application/json') {
    if (d.mutation) {
      body = mutate(body, d.mutation, (name) => {
        const pool = poolFor(B.ids, name);
        return pool[0] ?? B.ids.project[0];
      });
      // Another tenant's resource named where the contract takes an id: a 404, never a 2xx.
      if (d.mutation.kind === 'foreign-id' && JSON.stringify(body) !== JSON.stringify(d.body)) foreign = true;
    }
    payload = JSON.stringify(body);
    if (payload !== undefined && payload.includes(JSON.stringify(DEEP_MARKER).slice(1, -1))) {
      payload = payload.replace(JSON.stringify(DEEP_MARKER), deepText(d.mutation?.at ? 100 + (d.mutation.at % 10_000) : 5000));
      bodyValid = false; // the edge refuses JSON nested deeper than its limit
    }
    if (d.rawBody !== null) {
      payload = d.rawBody;
      // Empty (and, as the JSON parser reads it, `null`) is "no body": fine where the body is optional.
      bodyValid = payload === '' || payload === 'null' ? !op.body.required : false;
    }
    if (payload === undefined || payload === '' || payload === 'null') bodyValid &&= !op.body.required;
    else if (bodyValid) {
      const parsed: unknown = JSON.parse(payload);
      bodyValid = !hasBadText(parsed) && (op.checkBody ? op.checkBody(parsed) : true);
    }
    headers['content-type'] = 'application/json';
  } else if (op.body) {
    payload = typeof body === 'string' ? body : '';
    headers['content-type'] = op.body.type;
    // JSON Lines and OTLP protobuf: the contract types them as text or bytes, so any answer but a 5xx.
  }
  const paramsValid = op.checkParams({ path: pathValues, query: { ...query }, header: { ...headers } });
  const oddText = [...Object.values(query), ...Object.values(pathValues)].some((v) => TEXT_BAD.test(v));
  const authorised = op.public || key === keys.admin || key === keys.member || key === keys.scoped;
  return {
    inject: { method: op.method as InjectOptions['method'], url: qs ? `${url}?${qs}` : url, headers, ...(payload !== undefined ? { payload } : {}) } satisfies InjectOptions,
    // Invalid: the contract refuses it, or it names another tenant's resource, or carries text the edge refuses.
    mustFail: !paramsValid || !bodyValid || foreign || oddText || !authorised,
    request: `${op.method} ${qs ? `${url}?${qs}` : url} ${payload === undefined ? '' : payload.slice(0, 400)}`,
    // Everything the request carried: an id it sent may be echoed back without anything leaking.
    sent: `${url} ${qs} ${payload ?? ''}`,
  };
}

beforeAll(async () => {
  t = await createTestApp({ config: { bodyLimitBytes: 256 * 1024 } });
  A = await seedTenantResources(t, t.a, 'tenanta');
  B = await seedTenantResources(t, t.b, 'tenantb-private-marker');
  takeContractViolations(); // seeding is checked by the other tests; start from here
}, 180_000);
afterAll(async () => {
  const total = [...tally.values()].reduce((a, b) => a + b, 0);
  console.log(
    `fuzz: ${total} requests over ${OPERATIONS.length} operations (seed ${SEED}, ${RUNS} runs each): ${[...tally]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  await t?.close();
});

describe(`fuzzing every operation from the contract (${RUNS} runs each, seed ${SEED})`, () => {
  it('covers every operation of the contract but the event stream and the unimplemented ones', () => {
    expect(OPERATIONS.length + SKIPPED.size).toBe(contractOperations(doc).length);
  });

  it.each(OPERATIONS.map((op, i) => [op.id, op, i] as const))(
    '%s',
    async (_id, op, index) => {
      await fc.assert(
        fc.asyncProperty(draftArb(op), async (draft) => {
          const { inject, mustFail, request, sent } = build(op, draft);
          const res = await t.app.inject(inject);
          const klass = `${String(res.statusCode)[0]}xx${mustFail ? ' (invalid)' : ''}`;
          tally.set(klass, (tally.get(klass) ?? 0) + 1);
          const problems: string[] = [];
          if (res.statusCode >= 500) problems.push(`answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
          if (mustFail && res.statusCode < 300) problems.push(`an invalid request got ${res.statusCode}`);
          problems.push(...takeContractViolations());
          const leaked = B.secrets.filter((s) => res.body.includes(s) && !sent.includes(s));
          if (leaked.length > 0) problems.push(`returned tenant B's ${leaked.join(', ')}`);
          if (problems.length > 0) throw new Error(`${request}\n→ ${res.statusCode}\n${problems.join('\n')}`);
        }),
        { seed: SEED + index, numRuns: RUNS, endOnFailure: RUNS > 50 },
      );
    },
    Math.max(60_000, RUNS * 2_000),
  );
});
