// The FTM side of bench/pointers: the real @ftm/server app on a fresh PostgreSQL database
// (created, migrated, seeded with one tenant, one API key and one promoted model version behind an
// assistant pointer; dropped on SIGTERM), pointer changes over LISTEN/NOTIFY as in a
// multi-instance deployment. Prints { url, key, assistant } once listening.
// Runs from source through tsx.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const src = (path) => join(ROOT, path);
const core = await import(src('packages/core/src/index.ts'));
const { buildApp } = await import(src('packages/server/src/app.ts'));
const { createLogger } = await import(src('packages/server/src/http/logger.ts'));
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
const ftm = core.createFtm({
  database,
  blobs: new core.FsBlobStore({ root: blobDir }),
  queue: core.openQueue({ type: 'local', database }),
  promotions: { bus: new core.PgNotifyPointerChangeBus({ connectionString: url.toString() }) },
});
const promotions = ftm.promotions;

const boot = await ftm.auth.ensureBootstrap();
const ctx = ftm.systemContext(boot.tenantId, { actor: { type: 'cli', id: 'bench', role: 'admin' } });
const version = await ftm.registry.createModelVersion(ctx, { name: 'bench', provider: 'openai', provider_model_id: 'ft:gpt-4o-mini:bench::1', base_model: 'gpt-4o-mini' });
// A completed eval so the promotion's gates pass.
const suiteId = ftm.ids.next();
const caseId = ftm.ids.next();
const runId = ftm.ids.next();
const db = database.db;
await db.insertInto('eval_suites').values({ id: suiteId, tenant_id: boot.tenantId, suite_group_id: suiteId, name: 'bench', case_count: 1, created_by: 'bench' }).execute();
await db.insertInto('eval_cases').values({ id: caseId, tenant_id: boot.tenantId, eval_suite_id: suiteId, position: 0, input: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) }).execute();
await db.insertInto('eval_runs').values({ id: runId, tenant_id: boot.tenantId, eval_suite_id: suiteId, model_ref: JSON.stringify({ type: 'ft_model_version', value: version.id }), model_version_id: version.id, status: 'completed', metrics: JSON.stringify({ score: 1 }), created_by: 'bench', completed_at: new Date() }).execute();
await db.insertInto('eval_case_results').values({ id: ftm.ids.next(), tenant_id: boot.tenantId, eval_run_id: runId, case_id: caseId, passed: true, score: 1 }).execute();
const assistant = 'bench-assistant';
const promotion = await promotions.createPromotion(ctx, { model_version_id: version.id, target: { type: 'assistant', value: assistant }, min_eval_score: 0.5 });
if (promotion.decision !== 'promoted') throw new Error(`bench setup: promotion ${promotion.decision}`);

// Request logs at info would measure stdout, not the API: the bench runs at warn, like a quiet prod.
const logger = createLogger({ level: process.env.FTM_LOG_LEVEL ?? 'warn', name: 'ftm-bench' });
const app = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024 }, ftm, logger });
const listening = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: listening, key: boot.adminKey.secret, assistant })}\n`);

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
