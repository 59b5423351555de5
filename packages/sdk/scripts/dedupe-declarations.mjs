// After `tsup`: the shared declaration chunk (the generated contract types, ~250 KB) comes out
// twice, as `chunk.d.ts` for ESM and `chunk.d.cts` for CommonJS, with identical content. Types
// only describe shapes, so both entry declarations can read the CommonJS copy (an ES module may
// import a CommonJS one; not the reverse): the `.d.ts` copy is removed and the ESM entry
// declarations import `./chunk.cjs` instead of `./chunk.js`. `@arethetypeswrong/cli` checks the
// result in the package test.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));

const files = await readdir(DIST);
const entries = new Set(['index.d.ts', 'webhooks.d.ts']);
const chunks = [];
for (const file of files) {
  if (!file.endsWith('.d.ts') || entries.has(file)) continue;
  const twin = file.replace(/\.d\.ts$/, '.d.cts');
  if (!files.includes(twin)) continue;
  const [esm, cjs] = await Promise.all([readFile(join(DIST, file), 'utf8'), readFile(join(DIST, twin), 'utf8')]);
  if (esm === cjs) chunks.push(file.replace(/\.d\.ts$/, ''));
}
for (const entry of entries) {
  if (!files.includes(entry)) continue;
  let text = await readFile(join(DIST, entry), 'utf8');
  for (const chunk of chunks) text = text.replaceAll(`'./${chunk}.js'`, `'./${chunk}.cjs'`);
  await writeFile(join(DIST, entry), text);
}
for (const chunk of chunks) await rm(join(DIST, `${chunk}.d.ts`));
console.log(`dedupe-declarations: ${chunks.length ? chunks.map((c) => `${c}.d.ts → ${c}.d.cts`).join(', ') : 'nothing shared'}`);
