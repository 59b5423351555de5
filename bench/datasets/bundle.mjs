// Compiles @ftm/core as the package ships it (tsup with bundle: false: esbuild, ESM, node20, one
// output file per module, so module-level consts stay consts), into a scratch folder inside
// packages/core so dependencies resolve as they do for dist/, plus pipeline-modules.js, the one
// module a bench phase imports. A production worker runs compiled JavaScript; from source every
// thread also runs tsx's loader (a hooks thread per thread, tens of MB of RSS each), which ships
// nowhere.
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const coreSrc = join(root, 'packages/core/src');

export async function bundleCore() {
  // tsup's own esbuild, the compiler the package build uses.
  const requireFromTsup = createRequire(createRequire(join(root, 'package.json')).resolve('tsup'));
  const esbuild = await import(pathToFileURL(requireFromTsup.resolve('esbuild')).href);
  const scratch = join(root, 'packages/core/.tmp');
  await mkdir(scratch, { recursive: true });
  const outdir = await mkdtemp(join(scratch, 'bench-datasets-'));
  const sources = (await readdir(coreSrc, { recursive: true })).filter((f) => f.endsWith('.ts')).map((f) => join(coreSrc, f));
  await esbuild.build({ entryPoints: sources, outbase: coreSrc, bundle: false, format: 'esm', platform: 'node', target: 'node20', outdir, logLevel: 'warning' });
  // pipeline-modules.mjs names the sources; compiled, the same exports come from the .js files.
  const modules = await readFile(join(root, 'bench/datasets/pipeline-modules.mjs'), 'utf8');
  await writeFile(join(outdir, 'pipeline-modules.js'), modules.replaceAll('../../packages/core/src/', './').replace(/\.ts'/g, ".js'"));
  return outdir;
}
