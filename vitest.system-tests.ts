import { readdirSync, readFileSync } from 'node:fs';
import { join, matchesGlob, relative } from 'node:path';

/**
 * Test files that start something outside the test process: `ftm` processes, Chromium, brokers
 * (RabbitMQ, an SQS emulator), an S3 server, promtool, or that kill processes on purpose. They run in
 * the `system` project. packages/test-support/test/test-projects.test.ts fails when a file that starts such
 * things is missing here.
 */
export const SYSTEM_TESTS: readonly string[] = [
  'examples/*/test/**/*.test.ts',
  'packages/console/test/**/*.test.ts',
  'packages/sdk/test/browser/**/*.test.ts',
  'packages/sdk/test/package.test.ts',
  'packages/sdk/test/docs-typecheck.test.ts',
  'packages/core/test/blobs/**/*.test.ts',
  'packages/core/test/queue/queue-conformance.test.ts',
  'packages/core/test/queue/broker-queue.test.ts',
  'packages/core/test/db/migrator.test.ts',
  'packages/core/test/datasets/dataset-use-cases.test.ts',
  'packages/core/test/ft-jobs/crash-safety.test.ts',
  'packages/core/test/webhooks/webhook-chaos.test.ts',
  'packages/server/src/routes/datasets/datasets.test.ts',
  'packages/server/src/routes/production-pointers/two-instances.test.ts',
  'packages/server/test/alert-rules.test.ts',
  'packages/server/test/*crash*.test.ts',
  'packages/server/test/cli*.test.ts',
  'packages/server/test/console-route.test.ts',
  'packages/server/test/data-dir-lock.test.ts',
  'packages/server/test/no-secret-in-logs.test.ts',
  'packages/server/test/*acceptance.test.ts',
  'packages/server/test/start-script.test.ts',
  'packages/server/test/worker-metrics.test.ts',
  'packages/server/test/e2e/**/*.test.ts',
  'packages/worker/test/worker-sigkill.test.ts',
  'packages/test-support/test/chromium.test.ts',
];

/** What marks a test as a system test: it starts or kills processes, a browser, a broker or an S3 server. */
export const STARTS_SOMETHING = /node:child_process|\bspawn\(|\bexecFile|cli\.js|chromium|amqplib|fauxqs|s3rver|startS3|SIGKILL|promtool/i;

/** What marks an integration test: it opens a database (PGlite or PostgreSQL), Redis, or a whole app. */
const USES_A_STORE = /storeAdapters|TestDatabase|TEST_POSTGRES_URL|pglite|ioredis|bullmq|test-app|testApp|buildApp|createFtm|openRuntime|openDatabase|support\/fixtures/i;

export const TEST_ROOTS = ['packages', 'examples', 'scripts'] as const;

/** Every test file under the roots, relative to `root`. */
export function listTestFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return [];
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
    });
  return TEST_ROOTS.flatMap((dir) => walk(join(root, dir)));
}

export const isSystemTest = (file: string): boolean => SYSTEM_TESTS.some((glob) => matchesGlob(file, glob));

/**
 * Splits the suite in three: `unit` (in memory only: the sub-minute loop of `pnpm test:unit`),
 * `integration` (a database, Redis or an in-process app) and `system` (the list above). Read from the
 * files themselves, so a new test lands in the right project without being listed.
 */
export function classifyTests(root: string): { unit: string[]; integration: string[]; system: string[] } {
  const out = { unit: [] as string[], integration: [] as string[], system: [] as string[] };
  for (const file of listTestFiles(root)) {
    if (isSystemTest(file)) out.system.push(file);
    else if (USES_A_STORE.test(readFileSync(join(root, file), 'utf8'))) out.integration.push(file);
    else out.unit.push(file);
  }
  return out;
}
