/**
 * Validates real responses against docs/openapi.yaml: the operation is found from the method and
 * Fastify route, the status must be documented, and the body must match the documented schema
 * for its content type (OpenAPI 3.1 schemas are JSON Schema 2020-12).
 *
 * Closed objects: a schema that declares `properties` and says nothing about
 * `additionalProperties` is checked as closed (`additionalProperties: false`), so a property the
 * contract does not describe is a violation even where the author forgot to close the schema.
 * Objects without declared properties (free-form JSON: metadata, JSON Schemas, tool arguments) and
 * objects that set `additionalProperties` themselves keep what the contract says.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { loadContract, toOpenApiPath, type OpenApiDocument } from '../../src/contract/load-contract.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const CONTRACT_ID = 'ftm-contract';

type Json = Record<string, unknown>;

/** Points local `$ref`s at the registered contract and closes objects that declare their properties. */
function prepare(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prepare);
  if (node && typeof node === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json))
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? CONTRACT_ID + v : k === 'properties' || k === 'patternProperties' ? mapValues(v, prepare) : prepare(v);
    if (out.properties && typeof out.properties === 'object' && out.additionalProperties === undefined && out.unevaluatedProperties === undefined) out.additionalProperties = false;
    return out;
  }
  return node;
}

// A property may be named `properties` or `$ref`: map the values of a properties map, never its keys.
function mapValues(node: unknown, f: (v: unknown) => unknown): unknown {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return f(node);
  return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, f(v)]));
}

function resolvePointer(doc: OpenApiDocument, ref: string): Json {
  let node: unknown = doc;
  for (const raw of ref.replace(/^#\//, '').split('/')) node = (node as Json)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node as Json;
}

/** A response as the checker needs it: from `app.inject`, or from an onSend hook. */
export interface ObservedResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  /** The body text; undefined when it is a stream (then only status and headers are checked). */
  readonly body: string | undefined;
}

export class ContractValidator {
  readonly doc: OpenApiDocument;
  readonly #ajv: Ajv2020;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(doc: OpenApiDocument = loadContract()) {
    this.doc = doc;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.#ajv);
    for (const f of ['int32', 'int64', 'float', 'double', 'binary', 'byte', 'password']) this.#ajv.addFormat(f, true);
    this.#ajv.addSchema(prepare(doc) as Json, CONTRACT_ID);
  }

  /** Problems with this response (empty when it matches the contract). */
  check(method: string, fastifyRoute: string, res: LightMyRequestResponse): string[] {
    return this.checkResponse(method, fastifyRoute, { statusCode: res.statusCode, headers: res.headers, body: res.body });
  }

  /** Problems with a response, given as status, headers and body text. */
  checkResponse(method: string, fastifyRoute: string, res: ObservedResponse): string[] {
    const path = toOpenApiPath(fastifyRoute);
    const op = this.doc.paths[path]?.[method.toLowerCase()] as { responses?: Json } | undefined;
    if (!op) return [`${method} ${path} is not in the contract`];
    const status = String(res.statusCode);
    let response = (op.responses?.[status] ?? op.responses?.[`${status[0]}XX`] ?? op.responses?.default) as Json | undefined;
    if (!response) return [`${method} ${path} answered ${status}, which the contract does not list`];
    if (typeof response.$ref === 'string') response = resolvePointer(this.doc, response.$ref);
    const problems: string[] = [];
    if (!res.headers['x-request-id']) problems.push(`${method} ${path} ${status}: no X-Request-Id header`);
    const content = response.content as Record<string, { schema?: unknown }> | undefined;
    if (!content) return problems;
    const type = String(res.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    const media = content[type];
    if (!media) return [...problems, `${method} ${path} ${status}: content type ${type} is not documented (${Object.keys(content).join(', ')})`];
    if (!media.schema || res.body === undefined) return problems;
    return [...problems, ...this.#validate(`${method} ${path} ${status} ${type}`, media.schema, type, res.body)];
  }

  /** Problems with a body against one named schema of `components.schemas` (e.g. `Problem`). */
  checkSchema(name: string, type: string, body: string): string[] {
    return this.#validate(`schema ${name}`, { $ref: `#/components/schemas/${name}` }, type, body);
  }

  #validate(key: string, schema: unknown, type: string, text: string): string[] {
    let validate = this.#compiled.get(key);
    if (!validate) {
      validate = this.#ajv.compile(prepare(schema) as Json);
      this.#compiled.set(key, validate);
    }
    // application/json and +json types; not application/x-ndjson, which is text lines.
    let body: unknown = text;
    if (/^application\/(.+\+)?json$/.test(type)) {
      try {
        body = JSON.parse(text);
      } catch {
        return [`${key}: the body is not JSON: ${text.slice(0, 200)}`];
      }
    }
    return validate(body) ? [] : [`${key}: ${this.#ajv.errorsText(validate.errors)} in ${text.slice(0, 300)}`];
  }

  /** Every operationId of the contract. */
  operationIds(): string[] {
    const ids: string[] = [];
    for (const item of Object.values(this.doc.paths)) for (const op of Object.values(item)) if ((op as Json)?.operationId) ids.push(String((op as Json).operationId));
    return ids;
  }

  /** The operationId for a Fastify route, or undefined when the contract lacks it. */
  operationIdOf(method: string, fastifyRoute: string): string | undefined {
    const op = this.doc.paths[toOpenApiPath(fastifyRoute)]?.[method.toLowerCase()] as { operationId?: string } | undefined;
    return op?.operationId;
  }
}
