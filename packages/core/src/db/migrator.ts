import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FtmError } from '../shared/errors.js';
import type { SqlSession } from './sql-session.js';

/** Arbitrary but fixed: every FTM process contends on the same advisory lock while migrating. */
const MIGRATION_LOCK_KEY = 7_311_204_650;
const FILE_RE = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface MigrationFile {
  readonly id: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
}

export class MigrationChecksumError extends FtmError {
  override readonly name = 'MigrationChecksumError';
  constructor(readonly migrationId: string) {
    super(`migration ${migrationId} was changed after it was applied; add a new migration instead`);
  }
}

export async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    if (!FILE_RE.test(name)) throw new FtmError(`migration file name ${name} must look like 0001_name.sql`);
    const sql = await readFile(join(dir, name), 'utf8');
    files.push({ id: name.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  const prefixes = files.map((f) => f.id.slice(0, 4));
  const dup = prefixes.find((p, i) => prefixes.indexOf(p) !== i);
  if (dup) throw new FtmError(`two migrations share the number ${dup}`);
  return files;
}

/**
 * Applies pending migrations in order, each in its own transaction with its bookkeeping row.
 * A session-level advisory lock makes concurrent runs wait for each other; already-applied files
 * are verified by checksum so an edited migration is refused instead of silently skipped.
 */
export async function migrate(session: SqlSession, migrations: readonly MigrationFile[]): Promise<MigrationReport> {
  await session.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await session.exec(`create table if not exists ftm_migrations (
      id text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const rows = await session.query<{ id: string; checksum: string }>('select id, checksum from ftm_migrations');
    const appliedChecksums = new Map(rows.map((r) => [r.id, r.checksum]));
    const applied: string[] = [];
    const alreadyApplied: string[] = [];
    for (const m of migrations) {
      const known = appliedChecksums.get(m.id);
      if (known !== undefined) {
        if (known !== m.checksum) throw new MigrationChecksumError(m.id);
        alreadyApplied.push(m.id);
        continue;
      }
      await session.exec('begin');
      try {
        await session.exec(m.sql);
        await session.query('insert into ftm_migrations (id, checksum) values ($1, $2)', [m.id, m.checksum]);
        await session.exec('commit');
      } catch (error) {
        await session.exec('rollback');
        throw new FtmError(`migration ${m.id} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(m.id);
    }
    return { applied, alreadyApplied };
  } finally {
    await session.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
