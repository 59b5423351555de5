/**
 * Checks requests against Together's published OpenAPI document (the vendored subset in
 * packages/test-support/fixtures/together-openapi.yaml; OpenAPI 3.1, so JSON Schema 2020-12 with ajv):
 * the operation must exist, its path parameters must be present, and a JSON or multipart body must
 * match the operation's request schema.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { matchRoute, type StubRoute } from './http-stub.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** Where the vendored document lives. */
export const TOGETHER_OPENAPI_FILE = fileURLToPath(new URL('../../fixtures/together-openapi.yaml', import.meta.url));

type Json = Record<string, unknown>;
interface Operation {
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: Json }>> };
}

/** Validates one request of Together's API; answers the problems found (none: it conforms). */
export interface TogetherRequestValidator {
  readonly routes: readonly StubRoute[];
  validate(method: string, apiPath: string, contentType: string | undefined, body: unknown): string[];
}

export function createTogetherRequestValidator(file: string = TOGETHER_OPENAPI_FILE): TogetherRequestValidator {
  const doc = parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: Json };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // OpenAPI's own formats for numbers and files: no constraint beyond the type.
  for (const format of ['float', 'double', 'int32', 'int64', 'binary']) ajv.addFormat(format, true);
  ajv.addSchema({ $id: 'together', components: doc.components } as Json);
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `together${v}` : rewrite(v)]));
    }
    return node;
  };
  const routes: StubRoute[] = [];
  const compiled = new Map<string, Map<string, ValidateFunction>>();
  // Static paths first, so `/fine-tunes/estimate-price` wins over `/fine-tunes/{id}`.
  const paths = Object.keys(doc.paths).sort((a, b) => Number(a.includes('{')) - Number(b.includes('{')));
  for (const path of paths) {
    for (const [method, op] of Object.entries(doc.paths[path]!)) {
      const key = `${method.toUpperCase()} ${path}`;
      routes.push({ method: method.toUpperCase(), pattern: path, operation: key });
      const byType = new Map<string, ValidateFunction>();
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) if (media.schema) byType.set(type, ajv.compile(rewrite(media.schema) as Json));
      compiled.set(key, byType);
    }
  }
  return {
    routes,
    validate(method, apiPath, contentType, body) {
      const match = matchRoute(routes, method, apiPath);
      if (!match) return [`${method} ${apiPath} is not an operation of Together's API document`];
      const byType = compiled.get(match.route.operation)!;
      if (byType.size === 0) return body === null || body === undefined ? [] : [`${match.route.operation} takes no body`];
      const type = (contentType ?? '').split(';')[0]!.trim();
      const validator = byType.get(type);
      if (!validator) return [`${match.route.operation} takes ${[...byType.keys()].join(' or ')}, not ${type || 'no body'}`];
      // A multipart file part is the schema's `string` (format binary).
      const value =
        type === 'multipart/form-data' && body && typeof body === 'object'
          ? Object.fromEntries(Object.entries(body as Json).map(([k, v]) => [k, v && typeof v === 'object' ? (v as { content: string }).content : v]))
          : body;
      return validator(value) ? [] : (validator.errors ?? []).map((e) => `${match.route.operation}: ${e.instancePath || '(body)'} ${e.message ?? ''}`.trim());
    },
  };
}
