// The FTM side of bench/api: the real @ftm/server app on a fresh PostgreSQL database (created,
// migrated and seeded with one tenant, one API key and 256 model versions; dropped on SIGTERM).
// Prints { url, ids, key } on stdout. Run with the built packages, or from source through tsx.
import { openBenchFtm, serveBenchApp } from './support/bench-server.mjs';

const { ftm, cleanup } = await openBenchFtm();
const boot = await ftm.auth.ensureBootstrap();
const ctx = ftm.systemContext(boot.tenantId, { actor: { type: 'cli', id: 'bench', role: 'admin' } });
// Many versions, read in random order, so the bench measures real point reads, not one hot row.
const VERSIONS = 256;
const ids = [];
for (let i = 0; i < VERSIONS; i += 1) {
  const version = await ftm.registry.createModelVersion(ctx, { name: `bench-${i}`, provider: 'openai', provider_model_id: `ft:gpt-4o-mini:bench::${i}`, base_model: 'gpt-4o-mini' });
  ids.push(version.id);
}
await serveBenchApp(ftm, cleanup, { ids, key: boot.adminKey.secret });
