// What bench/api-server and bench/pointers-server share: the packages (built, else sources), a
// fresh PostgreSQL database for the run (dropped on SIGTERM), and the real app listening on it.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase } from './bench-database.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const entry = (pkg) => (existsSync(join(ROOT, `packages/${pkg}/dist/index.js`)) ? join(ROOT, `packages/${pkg}/dist/index.js`) : join(ROOT, `packages/${pkg}/src/index.ts`));
export const core = await import(entry('core'));
export const server = await import(entry('server'));

/** Builds FTM on a fresh database (plus any createFtm options), with a temporary blob directory. */
export async function openBenchFtm(extraOptions = (/* url */) => ({})) {
  const { url, drop } = await createBenchDatabase();
  const database = core.openPostgres({ connectionString: url, maxConnections: 16 });
  await database.migrate();
  const blobDir = await mkdtemp(join(tmpdir(), 'ftm-bench-blobs-'));
  const ftm = core.createFtm({ database, blobs: new core.FsBlobStore({ root: blobDir }), queue: core.openQueue({ type: 'local', database }), ...extraOptions(url) });
  const cleanup = async () => {
    await ftm.close();
    await rm(blobDir, { recursive: true, force: true });
    await drop();
  };
  return { ftm, database, cleanup };
}

/**
 * Rate limiting as `ftm api` runs it (on by default), with quotas no bench run can use up, so
 * every request pays for being counted and none is refused. BENCH_RATE_LIMIT=off measures without.
 */
export function benchRateLimit() {
  if (process.env.BENCH_RATE_LIMIT === 'off') return {};
  return { rateLimit: { ...server.DEFAULT_RATE_LIMITS, perKey: 10_000_000, resolvePerKey: 10_000_000 } };
}

/**
 * Serves the real app at warn level (request logs at info would measure stdout, not the API: a
 * quiet production API logs warnings only), prints `{ url, ...info }` once listening, and cleans
 * up on SIGTERM.
 */
export async function serveBenchApp(ftm, cleanup, info) {
  const logger = server.createLogger({ level: process.env.FTM_LOG_LEVEL ?? 'warn', name: 'ftm-bench' });
  const app = await server.buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024, ...benchRateLimit() }, ftm, logger });
  const listening = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ url: listening, ...info })}\n`);
  process.on('SIGTERM', async () => {
    await app.close();
    await cleanup();
    process.exit(0);
  });
}
