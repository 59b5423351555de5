#!/usr/bin/env node
// Builds the console into dist/: index.html, one hashed entry script, lazily loaded page chunks
// (the chart library only where a chart is drawn), one stylesheet. No inline script or style, so
// the server's Content-Security-Policy can forbid both.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));
const DIST = join(ROOT, 'dist');
/** Where the server mounts the console; asset URLs are absolute under it. */
const BASE = '/console/';

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { app: 'src/main.tsx' },
  outdir: join(DIST, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome111', 'firefox111', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // The SDK from its TypeScript source (the workspace's `ftm-source` condition): the console never
  // depends on whether the SDK's dist/ was rebuilt first.
  conditions: ['ftm-source'],
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const entry = outputs.find(([file, o]) => o.entryPoint === 'src/main.tsx' && file.endsWith('.js'));
if (!entry) throw new Error('console build: no entry script in the output');
const css = entry[1].cssBundle ? [entry[1].cssBundle] : undefined;
const url = (file) => BASE + relative(DIST, join(ROOT, file)).split('\\').join('/');
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>FTM console</title>
<link rel="icon" href="data:,">
${css ? `<link rel="stylesheet" href="${url(css[0])}">\n` : ''}<script type="module" src="${url(entry[0])}"></script>
</head>
<body>
<div id="app"><p class="boot">Loading the FTM console… (it needs JavaScript)</p></div>
</body>
</html>
`;
writeFileSync(join(DIST, 'index.html'), html);
// What the bundle-size test reads: the entry and the chunks it imports statically (the initial load).
const initial = new Set([entry[0]]);
for (const file of initial) for (const i of result.metafile.outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) initial.add(i.path);
writeFileSync(join(DIST, 'manifest.json'), JSON.stringify({ entry: url(entry[0]), css: css ? url(css[0]) : null, initial: [...initial].map(url) }, null, 2) + '\n');
console.log(`console: built ${outputs.length} files into ${relative(process.cwd(), DIST) || 'dist'}`);
