import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['ftm-source'] },
  ssr: { resolve: { conditions: ['ftm-source'] } },
  test: {
    include: ['packages/*/{src,test}/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-report.json' },
  },
});
