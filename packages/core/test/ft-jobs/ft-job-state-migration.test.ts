import { afterEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { defaultMigrationsDir } from '../../src/db/open-database.js';

/** Migration 0017 moves FTM's bookkeeping out of ft_jobs.metadata._ftm into ftm_state and retargeted_from. */
describe.each(storeAdapters)('migration 0017 (ft_jobs.ftm_state) on $name', ({ create }) => {
  let t: TestDatabase | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await t?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
    t = undefined;
    dir = undefined;
  });

  it("moves existing rows' _ftm data to the new columns and leaves the caller's metadata alone", async () => {
    t = await create({ migrate: false });
    dir = await mkdtemp(join(tmpdir(), 'ftm-0017-'));
    await cp(defaultMigrationsDir(), dir, { recursive: true, filter: (src) => !src.endsWith('0017_ft_job_state.sql') });
    await t.database.migrate(dir);
    const db = t.database.db;
    const tenant = '0190b7a0-0000-7000-8000-000000000001';
    const original = '0190b7a0-0000-7000-8000-00000000000a';
    const retargeted = '0190b7a0-0000-7000-8000-00000000000b';
    const plain = '0190b7a0-0000-7000-8000-00000000000c';
    const dataset = '0190b7a0-0000-7000-8000-0000000000d0';
    await sql`insert into tenants (id, name) values (${tenant}, 't')`.execute(db);
    const state = { cost_threshold_usd: 5, status_reason: 'waiting', submit_lease_until: null, last_provider_event_id: 'ev_9' };
    const insert = (trx: typeof db, id: string, metadata: unknown) =>
      sql`insert into ft_jobs (id, tenant_id, dataset_id, provider, base_model, metadata, created_by)
          values (${id}, ${tenant}, ${dataset}, 'simulated', 'gpt-4o-mini-2024-07-18', ${JSON.stringify(metadata)}::jsonb, 'system:test')`.execute(trx);
    // The dataset is not there: skip foreign keys for these hand-made rows, as a restore would.
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await insert(trx, original, { team: 'a', _ftm: { ...state, retargeted_from: null } });
      await insert(trx, retargeted, { team: 'b', _ftm: { ...state, retargeted_from: original } });
      await insert(trx, plain, { team: 'c' });
    });

    const report = await t.database.migrate();
    expect(report.applied).toEqual(['0017_ft_job_state']);
    const rows = await db.selectFrom('ft_jobs').select(['id', 'metadata', 'ftm_state', 'retargeted_from']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: original, metadata: { team: 'a' }, ftm_state: state, retargeted_from: null },
      { id: retargeted, metadata: { team: 'b' }, ftm_state: state, retargeted_from: original },
      { id: plain, metadata: { team: 'c' }, ftm_state: {}, retargeted_from: null },
    ]);
  });
});
