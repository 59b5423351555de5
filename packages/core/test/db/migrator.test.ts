import { afterEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMigrationsDir } from '../../src/db/open-database.js';
import { MigrationChecksumError } from '../../src/db/migrator.js';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';

describe.each(storeAdapters)('migrator on $name', ({ create }) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it('applies every migration once and reports them as applied on a second run', async () => {
    t = await create({ migrate: false });
    const first = await t.database.migrate();
    expect(first.applied.length).toBeGreaterThan(0);
    expect(first.alreadyApplied).toEqual([]);
    const second = await t.database.migrate();
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
  });

  it('refuses a migration file changed after it was applied', async () => {
    t = await create({ migrate: false });
    const dir = await mkdtemp(join(tmpdir(), 'ftm-mig-'));
    await cp(defaultMigrationsDir(), dir, { recursive: true });
    await t.database.migrate(dir);
    await appendFile(join(dir, '0001_platform.sql'), '\n-- edited\n');
    await expect(t.database.migrate(dir)).rejects.toBeInstanceOf(MigrationChecksumError);
  });

  it('runs concurrent migrations one after the other without applying anything twice', async () => {
    t = await create({ migrate: false });
    const reports = await Promise.all([t.database.migrate(), t.database.migrate(), t.database.migrate()]);
    const appliedCounts = reports.map((r) => r.applied.length).sort();
    expect(appliedCounts.slice(0, 2)).toEqual([0, 0]);
    expect(appliedCounts[2]).toBeGreaterThan(0);
  });
});
