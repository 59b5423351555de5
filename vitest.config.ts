import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['ftm-source'] },
  ssr: { resolve: { conditions: ['ftm-source'] } },
  test: {
    include: ['packages/*/{src,test}/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Every response of every app built with the server's buildApp is checked against the contract.
    setupFiles: ['packages/server/test/support/contract-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-report.json' },
  },
});
