// Compiles the bench's core modules as @ftm/core ships them (tsup: esbuild, ESM, node20,
// dependencies external, record-worker.js beside the code that starts it), into a scratch folder
// inside packages/core so dependencies resolve as they do for dist/. A production worker runs
// compiled JavaScript; from source every thread also runs tsx's loader (a hooks thread per
// thread, tens of MB of RSS each), which ships nowhere.
import { mkdtemp, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function bundleCore() {
  // tsup's own esbuild, the compiler the package build uses.
  const requireFromTsup = createRequire(createRequire(join(root, 'package.json')).resolve('tsup'));
  const esbuild = await import(pathToFileURL(requireFromTsup.resolve('esbuild')).href);
  const scratch = join(root, 'packages/core/.tmp');
  await mkdir(scratch, { recursive: true });
  const outdir = await mkdtemp(join(scratch, 'bench-datasets-'));
  await esbuild.build({
    entryPoints: {
      'pipeline-modules': join(root, 'bench/datasets/pipeline-modules.mjs'),
      'record-worker': join(root, 'packages/core/src/datasets/record-worker.ts'),
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir,
    logLevel: 'warning',
  });
  return outdir;
}
