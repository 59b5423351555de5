import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The OpenAPI document as plain JSON. */
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

/** `docs/openapi.yaml` of the repository: the nearest one above this module (src/ or dist/). */
export function defaultContractPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'docs', 'openapi.yaml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find docs/openapi.yaml; pass its path explicitly');
    dir = parent;
  }
}

let cached: { path: string; doc: OpenApiDocument } | undefined;

/** Reads and parses the contract once per process. */
export function loadContract(path: string = defaultContractPath()): OpenApiDocument {
  if (cached?.path === path) return cached.doc;
  const doc = parse(readFileSync(path, 'utf8')) as OpenApiDocument;
  cached = { path, doc };
  return doc;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** One operation of the contract. */
export interface ContractOperation {
  readonly operationId: string;
  readonly method: string;
  /** OpenAPI path template, e.g. `/model-versions/{id}`. */
  readonly path: string;
}

/** Every operation, in document order. */
export function contractOperations(doc: OpenApiDocument): ContractOperation[] {
  const ops: ContractOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as { operationId?: string } | undefined;
      if (op?.operationId) ops.push({ operationId: op.operationId, method: method.toUpperCase(), path });
    }
  }
  return ops;
}

/** Fastify's `/a/:id` as the contract's `/a/{id}`. */
export function toOpenApiPath(fastifyUrl: string): string {
  return fastifyUrl.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
