import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// esbuild comes with tsup (the SDK's bundler); load that very copy.
const require = createRequire(import.meta.url);
const { build } = createRequire(require.resolve('tsup'))('esbuild') as { build: (options: object) => Promise<BuildResult> };

/** The part of esbuild's result this test reads. */
interface BuildResult {
  readonly metafile: { readonly inputs: Record<string, { readonly imports: readonly { readonly path: string }[] }> };
  readonly outputFiles: readonly { readonly text: string }[];
}

const entries = ['../src/index.ts', '../src/webhooks/index.ts'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

describe('browser path', () => {
  it.each(entries)('bundles %s for the browser without any Node built-in', async (entry) => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((imp) => imp.path));
    expect(imports.filter((p) => p.startsWith('node:') || /^(fs|path|crypto|http|https|stream|buffer|util|url|net|tls|os)$/.test(p))).toEqual([]);
    expect(inputs.length).toBeGreaterThan(1);
    expect(result.outputFiles[0]?.text).not.toMatch(/\brequire\(["']node:/);
  });
});
