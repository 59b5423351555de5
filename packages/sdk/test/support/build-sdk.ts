import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Options } from 'tsup';
import config from '../../tsup.config.js';

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the SDK with its own tsup configuration (the package's `build` script) into `outDir`,
 * for tests that need the built files without touching `dist/`: the formats asked for, and
 * declarations only when asked (they take most of the time).
 */
export async function buildSdk(outDir: string, { formats = ['esm', 'cjs'], dts = false }: { formats?: readonly string[]; dts?: boolean } = {}): Promise<void> {
  for (const options of [config].flat() as Options[]) {
    const format = [options.format].flat()[0];
    if (!format || !formats.includes(format)) continue;
    const entry = Object.fromEntries(Object.entries(options.entry as Record<string, string>).map(([name, path]) => [name, resolve(PACKAGE, path)]));
    await build({ ...options, entry, outDir, dts, silent: true, config: false, tsconfig: resolve(PACKAGE, 'tsconfig.json') });
  }
}
