import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Ftm, OPERATION_METHODS } from '../src/index.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { GENERATED, SPEC_PATH } from '../scripts/generate-types.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

async function contractOperationIds(): Promise<string[]> {
  const spec = parse(await readFile(SPEC_PATH as string, 'utf8')) as { paths: Record<string, Record<string, { operationId?: string }>> };
  return Object.values(spec.paths).flatMap((item) =>
    Object.entries(item)
      .filter(([method, op]) => METHODS.includes(method) && op.operationId)
      .map(([, op]) => op.operationId as string),
  );
}

describe('the SDK against docs/openapi.yaml', () => {
  it('has a method for every operationId of the contract', async () => {
    const ftm = new Ftm({ baseUrl: 'http://localhost:8080' }) as unknown as Record<string, Record<string, unknown>>;
    const missing = (await contractOperationIds()).filter((id) => {
      const target = (OPERATION_METHODS as Record<string, string>)[id];
      if (!target) return true;
      const [resource, method] = target.split('.') as [string, string];
      return typeof ftm[resource]?.[method] !== 'function';
    });
    expect(missing).toEqual([]);
  });

  it('maps no operationId the contract does not have', async () => {
    const ids = new Set(await contractOperationIds());
    expect(Object.keys(OPERATION_METHODS).filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each((GENERATED as { path: string; generate: () => Promise<string> }[]).map((g) => [g.path.split('/src/')[1]!, g] as const))(
    'ships %s identical to what the contract generates (run `pnpm gen`)',
    async (_name, { path, generate }) => {
      expect(await readFile(path, 'utf8')).toBe(await generate());
    },
  );
});
