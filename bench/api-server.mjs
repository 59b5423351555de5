// The FTM side of bench/api: the real @ftm/server app on a fresh PostgreSQL database (created,
// migrated and seeded with one tenant, one API key and 256 model versions; dropped on SIGTERM).
// Prints { url, ids, key } on stdout. Run with the built packages, or from source through tsx.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const entry = (pkg) => (existsSync(join(ROOT, `packages/${pkg}/dist/index.js`)) ? join(ROOT, `packages/${pkg}/dist/index.js`) : join(ROOT, `packages/${pkg}/src/index.ts`));
const core = await import(entry('core'));
const server = await import(entry('server'));
const pg = createRequire(join(ROOT, 'packages/core/package.json'))('pg');

const adminUrl = process.env.FTM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `ftm_bench_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${name}`);
await admin.end();
const url = new URL(adminUrl);
url.pathname = `/${name}`;

const database = core.openPostgres({ connectionString: url.toString(), maxConnections: 16 });
await database.migrate();
const blobDir = await mkdtemp(join(tmpdir(), 'ftm-bench-blobs-'));
const ftm = core.createFtm({ database, blobs: new core.FsBlobStore({ root: blobDir }), queue: core.openQueue({ type: 'local', database }) });
const boot = await ftm.auth.ensureBootstrap();
const ctx = ftm.systemContext(boot.tenantId, { actor: { type: 'cli', id: 'bench', role: 'admin' } });
// Many versions, read in random order, so the bench measures real point reads, not one hot row.
const VERSIONS = 256;
const ids = [];
for (let i = 0; i < VERSIONS; i += 1) {
  const version = await ftm.registry.createModelVersion(ctx, { name: `bench-${i}`, provider: 'openai', provider_model_id: `ft:gpt-4o-mini:bench::${i}`, base_model: 'gpt-4o-mini' });
  ids.push(version.id);
}

// Request logs at info would measure stdout, not the API: the bench runs at warn, like a quiet prod.
const logger = server.createLogger({ level: process.env.FTM_LOG_LEVEL ?? 'warn', name: 'ftm-bench' });
const app = await server.buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024 }, ftm, logger });
const listening = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: listening, ids, key: boot.adminKey.secret })}\n`);

process.on('SIGTERM', async () => {
  await app.close();
  await ftm.close();
  await rm(blobDir, { recursive: true, force: true });
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`drop database if exists ${name} with (force)`);
  await c.end();
  process.exit(0);
});
