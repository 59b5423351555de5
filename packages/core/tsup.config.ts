import { defineConfig } from 'tsup';

export default defineConfig({
  // Every module compiled on its own, not bundled: a bundler turns module-level consts into vars,
  // and V8 then re-reads them (lookup tables above all) on every use in a hot loop, where it
  // folds a const's value into the code. The record scans, MinHash and digests of a dataset
  // build ran 25-45% more instructions bundled (bench/datasets, docs/datasets.md). The record
  // worker lands at dist/datasets/build/record-worker.js, beside the pool that starts it.
  entry: ['src/**/*.ts'],
  bundle: false,
  format: ['esm'],
  // `pnpm start` builds only the JavaScript; declarations are for publishing.
  dts: process.env.FTM_BUILD_DTS === '0' ? false : { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  // One line per output file (~300 of them) would bury what `pnpm start` prints; errors still show.
  silent: true,
  target: 'node20',
});
