import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openPglite, openPostgres, type FtmDatabase } from '@ftm/core';

/** Superuser URL of the test PostgreSQL server; each test database is created beside it. */
export const TEST_POSTGRES_URL = process.env.FTM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly database: FtmDatabase;
  /** Connection string of this database (PostgreSQL only), for a second process or pool. */
  readonly url?: string;
  dispose(): Promise<void>;
}

/** A fresh, migrated PostgreSQL database with a random name, dropped on dispose. */
export async function createPostgresTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `ftm_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const database = openPostgres({ connectionString: url.toString() });
  if (options.migrate !== false) await database.migrate();
  return {
    database,
    url: url.toString(),
    dispose: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A fresh in-memory PGlite database, migrated. */
export async function createPgliteTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const database = await openPglite();
  if (options.migrate !== false) await database.migrate();
  return { database, dispose: () => database.close() };
}

/** Every store adapter, for conformance suites: `describe.each(storeAdapters)`. */
export const storeAdapters = [
  { name: 'pglite', create: createPgliteTestDatabase },
  { name: 'postgres', create: createPostgresTestDatabase },
] as const;
