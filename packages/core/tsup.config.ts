import { defineConfig } from 'tsup';

export default defineConfig({
  // The record worker is a separate entry so dist/record-worker.js sits beside dist/index.js, where
  // the record processor pool starts it from.
  entry: { index: 'src/index.ts', 'record-worker': 'src/datasets/record-worker.ts' },
  format: ['esm'],
  // `pnpm start` builds only the JavaScript; declarations are for publishing.
  dts: process.env.FTM_BUILD_DTS !== '0',
  sourcemap: true,
  clean: true,
  target: 'node20',
});
