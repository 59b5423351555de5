import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PACKAGES = readdirSync(join(ROOT, 'packages')).filter((name) => existsSync(join(ROOT, 'packages', name, 'src')));

/** Every TypeScript source file under `dir`, relative to it. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => relative(dir, join(dir, file)));
}

const graphs = new Map<string, Promise<madge.MadgeInstance>>();

/** The import graph of one package's sources, resolved with its tsconfig; `import type` counts as an import. */
function importGraph(name: string): Promise<madge.MadgeInstance> {
  const dir = join(ROOT, 'packages', name);
  let graph = graphs.get(name);
  if (!graph) {
    graph = madge(join(dir, 'src'), {
      fileExtensions: ['ts', 'tsx'],
      tsConfig: join(dir, 'tsconfig.json'),
      detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
    });
    graphs.set(name, graph);
  }
  return graph;
}

/**
 * The folders of @ftm/core that are stacked: each may import only the folders before it
 * (docs/architecture.md, Imports that run one way).
 */
const CORE_LAYERS = ['pointers', 'promotions', 'monitoring'] as const;

describe('import cycles', () => {
  it('covers every package', () => {
    expect(PACKAGES).toEqual(expect.arrayContaining(['core', 'server', 'worker', 'sdk']));
  });

  it.each(PACKAGES)('finds none in packages/%s/src', async (name) => {
    const graph = await importGraph(name);
    const read = graph.obj();
    expect(
      sourceFiles(join(ROOT, 'packages', name, 'src')).filter((file) => !(file in read)),
      'source files madge did not read',
    ).toEqual([]);
    // An import madge cannot resolve would hide its edges: only packages may be skipped.
    expect(
      graph.warnings().skipped.filter((path) => path.startsWith('.')),
      'relative imports madge could not resolve',
    ).toEqual([]);
    expect(
      graph.circular().map((cycle) => cycle.join(' -> ')),
      'import cycles (a -> b -> … -> back to a)',
    ).toEqual([]);
  });

  it('keeps pointers <- promotions <- monitoring in @ftm/core', async () => {
    const graph = (await importGraph('core')).obj();
    const layer = (file: string) => CORE_LAYERS.indexOf(file.split('/')[0] as (typeof CORE_LAYERS)[number]);
    const upward = Object.entries(graph).flatMap(([file, imports]) => (layer(file) < 0 ? [] : imports.filter((imported) => layer(imported) > layer(file)).map((imported) => `${file} -> ${imported}`)));
    expect(Object.keys(graph).filter((file) => layer(file) >= 0).length).toBeGreaterThan(30);
    expect(upward, 'imports from a lower layer to a higher one').toEqual([]);
  });
});
