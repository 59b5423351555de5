import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMigrations, migrate, type MigrationReport } from './migrator.js';
import type { SqlSession } from './sql-session.js';
import type { DB } from './schema.js';

/**
 * The numbered SQL files: the nearest `migrations/` folder above this module, which is the
 * repository's top level both from `src/` and from a built `dist/`.
 */
export function defaultMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, '0001_platform.sql'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the migrations/ folder; pass its path explicitly');
    dir = parent;
  }
}

/** An open database: the Kysely handle the repositories use, and what only the platform needs. */
export interface FtmDatabase {
  readonly db: Kysely<DB>;
  readonly dialect: 'postgres' | 'pglite';
  migrate(dir?: string): Promise<MigrationReport>;
  /** Runs `fn` on one dedicated session (LISTEN, advisory locks, scripts). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  check(): Promise<void>;
  close(): Promise<void>;
}

// numeric and bigint arrive as strings from pg; int8 counts we keep as JS numbers (< 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PostgresOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
  readonly statementTimeoutMs?: number;
}

export function openPostgres(options: PostgresOptions): FtmDatabase {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const withSession = async <T>(fn: (s: SqlSession) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn({
        query: async <R>(text: string, params?: readonly unknown[]) => (await client.query(text, params as unknown[] | undefined)).rows as R[],
        exec: async (script) => {
          await client.query(script);
        },
      });
    } finally {
      client.release();
    }
  };
  return {
    db,
    dialect: 'postgres',
    withSession,
    migrate: async (dir = defaultMigrationsDir()) => {
      const files = await loadMigrations(dir);
      return withSession((s) => migrate(s, files));
    },
    check: async () => {
      await pool.query('select 1');
    },
    close: async () => {
      await db.destroy();
    },
  };
}

export interface PgliteOptions {
  /** A directory for a persistent database, or undefined for an in-memory one. */
  readonly dataDir?: string;
}

export async function openPglite(options: PgliteOptions = {}): Promise<FtmDatabase> {
  const pglite = await PGlite.create(options.dataDir);
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  // PGlite has one session: going through Kysely's connection keeps its mutex honest.
  const withSession = <T>(fn: (s: SqlSession) => Promise<T>): Promise<T> =>
    db.connection().execute(async () =>
      fn({
        query: async <R>(text: string, params?: readonly unknown[]) => (await pglite.query<R>(text, params as unknown[] | undefined)).rows,
        exec: async (script) => {
          await pglite.exec(script);
        },
      }),
    );
  return {
    db,
    dialect: 'pglite',
    withSession,
    migrate: async (dir = defaultMigrationsDir()) => {
      const files = await loadMigrations(dir);
      return withSession((s) => migrate(s, files));
    },
    check: async () => {
      await withSession((s) => s.query('select 1'));
    },
    close: async () => {
      await db.destroy();
    },
  };
}
