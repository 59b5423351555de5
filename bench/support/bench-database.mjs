// A PostgreSQL database of the bench's own for one run: created empty, dropped with everything in
// it at the end. FTM_BENCH_DATABASE_URL names the server (default: the local one).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pg = createRequire(join(ROOT, 'packages/core/package.json'))('pg');

/** `{ url, drop }`: the new database's connection string, and how to remove it. */
export async function createBenchDatabase() {
  const adminUrl = process.env.FTM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `ftm_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  return { url: url.toString(), drop };
}
