import { defineConfig } from 'tsup';

const shared = {
  entry: { index: 'src/index.ts', webhooks: 'src/webhooks/index.ts' },
  dts: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
} as const;

export default defineConfig([
  { ...shared, format: ['esm'] },
  // ky ships ESM only; CommonJS consumers get it bundled rather than a broken require().
  { ...shared, format: ['cjs'], noExternal: ['ky'] },
]);
