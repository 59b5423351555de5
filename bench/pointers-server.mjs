// The FTM side of bench/pointers: the real @ftm/server app on a fresh PostgreSQL database
// (created, migrated, seeded with one tenant, one API key and one promoted model version behind an
// assistant pointer; dropped on SIGTERM), pointer changes over LISTEN/NOTIFY as in a
// multi-instance deployment. Prints { url, key, assistant } once listening.
import { core, openBenchFtm, serveBenchApp } from './support/bench-server.mjs';

const { ftm, database, cleanup } = await openBenchFtm((url) => ({ promotions: { bus: new core.PgNotifyPointerChangeBus({ connectionString: url }) } }));
const boot = await ftm.auth.ensureBootstrap();
const ctx = ftm.systemContext(boot.tenantId, { actor: { type: 'cli', id: 'bench', role: 'admin' } });
const version = await ftm.registry.createModelVersion(ctx, { name: 'bench', provider: 'openai', provider_model_id: 'ft:gpt-4o-mini:bench::1', base_model: 'gpt-4o-mini' });

// The eval gate needs a completed run of the version on a suite; written directly, the bench is
// about resolving, not evaluating.
const suiteId = ftm.ids.next();
const caseId = ftm.ids.next();
const runId = ftm.ids.next();
const db = database.db;
await db.insertInto('eval_suites').values({ id: suiteId, tenant_id: boot.tenantId, suite_group_id: suiteId, name: 'bench', case_count: 1, created_by: 'bench' }).execute();
await db
  .insertInto('eval_cases')
  .values({ id: caseId, tenant_id: boot.tenantId, eval_suite_id: suiteId, position: 0, input: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) })
  .execute();
await db
  .insertInto('eval_runs')
  .values({
    id: runId,
    tenant_id: boot.tenantId,
    eval_suite_id: suiteId,
    model_ref: JSON.stringify({ type: 'ft_model_version', value: version.id }),
    model_version_id: version.id,
    status: 'completed',
    metrics: JSON.stringify({ score: 1 }),
    created_by: 'bench',
    completed_at: new Date(),
  })
  .execute();
await db.insertInto('eval_case_results').values({ id: ftm.ids.next(), tenant_id: boot.tenantId, eval_run_id: runId, case_id: caseId, passed: true, score: 1 }).execute();
const assistant = 'bench-assistant';
const promotion = await ftm.promotions.createPromotion(ctx, { model_version_id: version.id, target: { type: 'assistant', value: assistant }, min_eval_score: 0.5 });
if (promotion.decision !== 'promoted') throw new Error(`bench setup: promotion ${promotion.decision}`);

await serveBenchApp(ftm, cleanup, { key: boot.adminKey.secret, assistant });
