/**
 * Column codes: one compact string per column that both the Kysely types (at compile time) and
 * information_schema (at run time) can be reduced to, so the SQL in migrations/ and the types in
 * src/db/schema.ts cannot drift apart silently.
 *
 * A code is `<kind>[?][+]`: kind is how the value reaches JS (string | number | bool | date | bytes |
 * json | array), `?` marks a nullable column, `+` a column with a database default (optional on insert).
 */
import { sql, type InsertType, type Kysely, type SelectType } from 'kysely';
import type { DB } from '../../src/db/schema.js';

type Kind<S, I> = [S] extends [Date]
  ? 'date'
  : [S] extends [Uint8Array]
    ? 'bytes'
    : [S] extends [string]
      ? 'string'
      : [S] extends [number]
        ? 'number'
        : [S] extends [boolean]
          ? 'bool'
          : [S] extends [readonly unknown[]]
            ? string extends I
              ? 'json' // a JSON array column also accepts its serialised text
              : 'array'
            : 'json';

/** The code a Kysely column type implies. An `unknown` JSON column says nothing about nulls. */
export type ColumnCode<C> =
  unknown extends SelectType<C> ? 'json' : `${Kind<NonNullable<SelectType<C>>, NonNullable<InsertType<C>>>}${null extends SelectType<C> ? '?' : ''}${undefined extends InsertType<C> ? '+' : ''}`;

/** Every table of `DB` with every column's code; the compiler refuses a missing or extra column. */
export type SchemaSpec = { [T in keyof DB]: { [K in keyof DB[T]]-?: ColumnCode<DB[T][K]> } };

const KIND_OF_DATA_TYPE: Record<string, string> = {
  uuid: 'string',
  text: 'string',
  // pg and PGlite both return numeric as text, so money keeps its precision
  numeric: 'string',
  integer: 'number',
  bigint: 'number',
  smallint: 'number',
  real: 'number',
  'double precision': 'number',
  boolean: 'bool',
  'timestamp with time zone': 'date',
  jsonb: 'json',
  bytea: 'bytes',
  ARRAY: 'array',
};

/**
 * The code of every column of every table the migrations create, as the database has them: the
 * public schema's tables by name, the simulated provider's (schema `ftm_simulated`) as `ftm_simulated.<table>`.
 */
export async function readColumnCodes(db: Kysely<DB>): Promise<Record<string, Record<string, string>>> {
  const result = await sql<{ table_schema: string; table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>`
    select table_schema, table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema in ('public', 'ftm_simulated')
    order by table_schema, table_name, ordinal_position`.execute(db);
  const codes: Record<string, Record<string, string>> = {};
  for (const c of result.rows) {
    const kind = KIND_OF_DATA_TYPE[c.data_type] ?? `unmapped:${c.data_type}`;
    const table = c.table_schema === 'public' ? c.table_name : `${c.table_schema}.${c.table_name}`;
    (codes[table] ??= {})[c.column_name] = `${kind}${c.is_nullable === 'YES' ? '?' : ''}${c.column_default !== null ? '+' : ''}`;
  }
  return codes;
}
