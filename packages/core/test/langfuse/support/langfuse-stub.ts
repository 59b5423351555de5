/**
 * A local stand-in for Langfuse's public API: pages of generations (`GET /api/public/v2/observations`)
 * and scores (`GET /api/public/v3/scores`) in the shapes of Langfuse's published document. Every
 * request is checked against the vendored subset of that document (parameters declared, values of
 * their schema, Basic auth) and every response body against its response schema, with ajv.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
type Json = Record<string, unknown>;

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema: Json;
}

const DOC_ID = 'langfuse';
const doc = parse(readFileSync(new URL('../fixtures/langfuse-openapi-subset.yml', import.meta.url), 'utf8')) as {
  paths: Record<string, { get: { parameters: Parameter[]; responses: Record<string, { content?: Record<string, { schema: Json }> }> } }>;
};

/**
 * The document's schemas for ajv: refs point into the registered document, and OpenAPI 3.0's
 * `nullable` beside a `$ref` (or with no `type`, which already admits null) becomes plain JSON Schema.
 */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Json;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? DOC_ID + v : rewriteRefs(v)]));
  if (nullable !== true) return nullable === undefined ? out : { ...out, nullable };
  if (typeof out.$ref === 'string') {
    const { $ref, ...others } = out;
    return { ...others, anyOf: [{ $ref }, { type: 'null' }] };
  }
  return out.type === undefined ? out : { ...out, nullable: true };
}

/** The documented structure of the v2 observations `filter` parameter (from its description). */
const FILTER_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['type', 'column', 'operator', 'value'],
    properties: {
      type: { enum: ['datetime', 'string', 'number', 'stringOptions', 'categoryOptions', 'arrayOptions', 'stringObject', 'numberObject', 'boolean', 'null'] },
      column: {
        enum: [
          'id',
          'type',
          'name',
          'traceId',
          'startTime',
          'endTime',
          'environment',
          'level',
          'statusMessage',
          'version',
          'userId',
          'sessionId',
          'isRootObservation',
          'traceName',
          'traceTags',
          'tags',
          'model',
          'promptName',
          'metadata',
        ],
      },
      operator: { type: 'string' },
    },
    allOf: [
      { if: { properties: { type: { const: 'datetime' } } }, then: { properties: { operator: { enum: ['>', '<', '>=', '<='] }, value: { type: 'string', format: 'date-time' } } } },
      {
        if: { properties: { type: { const: 'string' } } },
        then: { properties: { operator: { enum: ['=', 'contains', 'does not contain', 'starts with', 'ends with', 'matches'] }, value: { type: 'string' } } },
      },
      { if: { properties: { type: { const: 'stringOptions' } } }, then: { properties: { operator: { enum: ['any of', 'none of'] }, value: { type: 'array', items: { type: 'string' } } } } },
      { if: { properties: { type: { const: 'arrayOptions' } } }, then: { properties: { operator: { enum: ['any of', 'none of', 'all of'] }, value: { type: 'array', items: { type: 'string' } } } } },
    ],
  },
};

class RequestValidator {
  readonly #ajv = new Ajv({ strict: false, allErrors: true });
  readonly #filter: ValidateFunction;

  constructor() {
    addFormats(this.#ajv);
    for (const f of ['int32', 'int64', 'float', 'double']) this.#ajv.addFormat(f, true);
    this.#ajv.addSchema(rewriteRefs(doc) as Json, DOC_ID);
    this.#filter = this.#ajv.compile(FILTER_SCHEMA);
  }

  /** Problems with a request to a documented path (empty when it follows the document). */
  check(path: string, query: URLSearchParams, authorization: string | undefined, expectedAuth: string): string[] {
    const op = doc.paths[path]?.get;
    if (!op) return [`GET ${path} is not in Langfuse's document`];
    const problems: string[] = [];
    if (authorization !== expectedAuth) problems.push('Authorization is not Basic <public key>:<secret key>');
    const declared = new Map(op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
    for (const name of new Set(query.keys())) if (!declared.has(name)) problems.push(`query parameter ${name} is not declared`);
    for (const p of declared.values()) {
      const values = query.getAll(p.name);
      if (values.length === 0) {
        if (p.required) problems.push(`query parameter ${p.name} is required`);
        continue;
      }
      const value = p.schema.type === 'array' ? values : values.length === 1 ? this.#coerce(values[0]!, p.schema) : values;
      const validate = this.#ajv.compile(rewriteRefs(p.schema) as Json);
      if (!validate(value)) problems.push(`query parameter ${p.name}=${JSON.stringify(value)}: ${this.#ajv.errorsText(validate.errors)}`);
    }
    const filter = query.get('filter');
    if (filter !== null && !this.#filter(JSON.parse(filter))) problems.push(`filter: ${this.#ajv.errorsText(this.#filter.errors)}`);
    return problems;
  }

  /** Problems with a response body the stub is about to send. */
  checkResponse(path: string, body: unknown): string[] {
    const schema = doc.paths[path]!.get.responses['200']!.content!['application/json']!.schema;
    const validate = this.#ajv.compile(rewriteRefs(schema) as Json);
    return validate(body) ? [] : [`response of ${path}: ${this.#ajv.errorsText(validate.errors)}`];
  }

  #coerce(raw: string, schema: Json): unknown {
    if (schema.type === 'integer' || schema.type === 'number') return raw.trim() === '' ? raw : Number(raw);
    if (schema.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
    return raw;
  }
}

/** A generation as the stub stores it (ObservationV2 fields with the `core,basic,io,model,trace_context` groups). */
export type StubGeneration = Json & { id: string; traceId: string; type: string; name: string; tags: string[]; environment: string; userId: string | null; startTime: string };
export type StubScore = Json & { id: string; name: string; dataType: string; subject: { kind: string; id: string; traceId?: string } };

export interface LangfuseStub {
  readonly url: string;
  readonly publicKey: string;
  readonly secretKey: string;
  /** Every request: path, query, and what the validator found wrong with it. */
  readonly requests: { path: string; query: URLSearchParams; problems: string[] }[];
  /** While set, observation pages after this many generations answer 503. */
  failAfterGenerations: number | null;
  close(): Promise<void>;
}

const cursorOf = (offset: number) => Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
const offsetOf = (cursor: string | null) => (cursor ? (JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { offset: number }).offset : 0);

function matches(g: StubGeneration, filter: { type: string; column: string; operator: string; value: unknown }[]): boolean {
  return filter.every((c) => {
    const field = c.column === 'tags' ? g.tags : (g as Json)[c.column];
    if (c.type === 'string') return field === c.value;
    if (c.type === 'stringOptions') return (c.value as string[]).includes(field as string);
    if (c.type === 'arrayOptions') return c.operator === 'all of' ? (c.value as string[]).every((t) => g.tags.includes(t)) : (c.value as string[]).some((t) => g.tags.includes(t));
    if (c.type === 'datetime') return c.operator === '>=' ? g.startTime >= (c.value as string) : g.startTime < (c.value as string);
    return true;
  });
}

/** Starts the stub on an ephemeral port, serving `pageSize` generations and one score per page. */
export async function startLangfuseStub(data: { generations: StubGeneration[]; scores: StubScore[]; pageSize?: number }): Promise<LangfuseStub> {
  const validator = new RequestValidator();
  const publicKey = 'pk-lf-stub-0001';
  const secretKey = 'sk-lf-stub-0001';
  const auth = `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString('base64')}`;
  const pageSize = data.pageSize ?? 2;
  const requests: LangfuseStub['requests'] = [];
  const stub = { failAfterGenerations: null as number | null };
  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error) }));
    }
  });
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const problems = validator.check(url.pathname, url.searchParams, req.headers.authorization, auth);
    requests.push({ path: url.pathname, query: url.searchParams, problems });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (problems.length > 0) return void send(400, { message: problems.join('; ') });
    const offset = offsetOf(url.searchParams.get('cursor'));
    let body: Json;
    if (url.pathname === '/api/public/v2/observations') {
      if (stub.failAfterGenerations !== null && offset >= stub.failAfterGenerations) return void send(503, { message: 'unavailable' });
      const filter = JSON.parse(url.searchParams.get('filter') ?? '[]') as Parameters<typeof matches>[1];
      const all = data.generations.filter((g) => matches(g, filter));
      const page = all.slice(offset, offset + pageSize);
      body = { data: page, meta: offset + pageSize < all.length ? { cursor: cursorOf(offset + pageSize) } : {} };
    } else {
      const traces = (url.searchParams.get('traceId') ?? '').split(',');
      const names = (url.searchParams.get('name') ?? '').split(',');
      const all = data.scores.filter((s) => names.includes(s.name) && traces.includes(s.subject.kind === 'trace' ? s.subject.id : (s.subject.traceId ?? '')));
      const page = all.slice(offset, offset + 1);
      body = { data: page, meta: { limit: 100, ...(offset + 1 < all.length ? { cursor: cursorOf(offset + 1) } : {}) } };
    }
    const responseProblems = validator.checkResponse(url.pathname, body);
    if (responseProblems.length > 0) return void send(500, { message: responseProblems.join('; ') });
    send(200, body);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}`,
    publicKey,
    secretKey,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as LangfuseStub;
}
