/**
 * Kysely table types for the schema in `migrations/`. Keep in step with the SQL files.
 * Generated<T> marks columns with database defaults.
 */
import type { ColumnType, Generated } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type Json<T = unknown> = ColumnType<T, string | T, string | T>;
/** numeric comes back as a string from pg; parse deliberately at the repository edge. */
export type Numeric = ColumnType<string, number | string, number | string>;

export interface FtmMigrationsTable {
  id: string;
  checksum: string;
  applied_at: Generated<Timestamp>;
}

export interface DB {
  ftm_migrations: FtmMigrationsTable;
}
