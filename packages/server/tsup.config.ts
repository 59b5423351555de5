import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  // `pnpm start` builds only the JavaScript; declarations are for publishing.
  dts: process.env.FTM_BUILD_DTS === '0' ? false : { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '' },
});
