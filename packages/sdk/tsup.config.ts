import { defineConfig } from 'tsup';

const shared = {
  entry: { index: 'src/index.ts', webhooks: 'src/webhooks/index.ts' },
  // `pnpm start` builds only the JavaScript; declarations are for publishing.
  dts: process.env.FTM_BUILD_DTS !== '0',
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
} as const;

export default defineConfig([
  { ...shared, format: ['esm'] },
  // ky ships ESM only; CommonJS consumers get it bundled rather than a broken require(). Code
  // splitting gives both CommonJS entries one copy of the error classes (a WebhookVerificationError
  // from `@ftm/sdk/webhooks` is an FtmError of `@ftm/sdk`), as ESM does by default.
  { ...shared, format: ['cjs'], noExternal: ['ky'], splitting: true },
]);
