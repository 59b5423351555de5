import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * Where parsed contracts are kept as JSON, by content hash: `node_modules/.cache/ftm` of the
 * repository holding `docs/`. Parsing the ~300 KB YAML costs about a second of every start;
 * JSON.parse of the same document a few milliseconds.
 */
const cacheDirOf = (contractPath: string): string => join(dirname(dirname(contractPath)), 'node_modules', '.cache', 'ftm');

/** Reads and parses the contract once per process (from the JSON cache when the YAML is unchanged). */
export function loadContract(path: string = defaultContractPath()): OpenApiDocument {
  if (cached?.path === path) return cached.doc;
  const text = readFileSync(path, 'utf8');
  const cacheFile = join(cacheDirOf(path), `openapi-${createHash('sha256').update(text).digest('hex').slice(0, 32)}.json`);
  let doc: OpenApiDocument | undefined;
  try {
    doc = JSON.parse(readFileSync(cacheFile, 'utf8')) as OpenApiDocument;
  } catch {
    // No cache yet (or a torn one): parse the YAML, loaded only now, and keep the result.
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    doc = parse(text) as OpenApiDocument;
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      // Written aside and renamed, so a concurrent reader never sees half a file.
      const partial = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify(doc));
      renameSync(partial, cacheFile);
    } catch {
      // A read-only install only loses the cache.
    }
  }
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
