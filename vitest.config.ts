import { defineConfig } from 'vitest/config';
import { classifyTests } from './vitest.system-tests.js';

const tests = classifyTests(import.meta.dirname);

export default defineConfig({
  resolve: { conditions: ['ftm-source'] },
  ssr: { resolve: { conditions: ['ftm-source'] } },
  test: {
    // Every response of every app built with the server's buildApp is checked against the contract.
    setupFiles: ['packages/server/test/support/contract-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-report.json' },
    // `vitest run` runs all three; `pnpm test:unit` only `unit` (nothing but memory: no database,
    // process, browser or broker). vitest.system-tests.ts says how a file is placed.
    projects: [
      { extends: true, test: { name: 'unit', include: tests.unit } },
      { extends: true, test: { name: 'integration', include: tests.integration } },
      { extends: true, test: { name: 'system', include: tests.system } },
    ],
  },
});
