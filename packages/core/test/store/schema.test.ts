import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { storeAdapters, type TestDatabase } from '../support/databases.js';
import { schemaSpec } from './schema-spec.js';

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
  ARRAY: 'array',
};

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: string;
  column_default: string | null;
}

describe.each(storeAdapters)('schema on $name', ({ create }) => {
  let t: TestDatabase;
  let columns: ColumnRow[];
  beforeAll(async () => {
    t = await create({ migrate: false });
    const report = await t.database.migrate();
    expect(report.alreadyApplied).toEqual([]);
    const result = await sql<ColumnRow>`
      select table_name, column_name, data_type, is_nullable, column_default
      from information_schema.columns where table_schema = 'public'
      order by table_name, ordinal_position`.execute(t.database.db);
    columns = result.rows;
  });
  afterAll(async () => t?.dispose());

  it('applies every migration from an empty database, and nothing on a second run', async () => {
    const again = await t.database.migrate();
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.map((id) => id.slice(0, 4))).toEqual(expect.arrayContaining(['0001', '0002', '0004']));
  });

  it('creates exactly the tables the DB type declares', () => {
    const tables = [...new Set(columns.map((c) => c.table_name))].sort();
    expect(tables).toEqual(Object.keys(schemaSpec).sort());
  });

  it('gives every column the kind, nullability and default its Kysely type declares', () => {
    const actual: Record<string, Record<string, string>> = {};
    for (const c of columns) {
      const kind = KIND_OF_DATA_TYPE[c.data_type] ?? `unmapped:${c.data_type}`;
      const code = `${kind}${c.is_nullable === 'YES' ? '?' : ''}${c.column_default !== null ? '+' : ''}`;
      (actual[c.table_name] ??= {})[c.column_name] = code;
    }
    expect(actual).toEqual(schemaSpec);
  });

  it('gives every table but the bookkeeping ones a tenant_id that references tenants', async () => {
    const result = await sql<{ table_name: string }>`
      select distinct kcu.table_name
      from information_schema.table_constraints tc
      join information_schema.key_column_usage kcu
        on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
      join information_schema.constraint_column_usage ccu
        on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public'
        and kcu.column_name = 'tenant_id' and ccu.table_name = 'tenants'`.execute(t.database.db);
    const referencing = new Set(result.rows.map((r) => r.table_name));
    const unscoped = Object.keys(schemaSpec).filter((name) => !referencing.has(name)).sort();
    // The migrations ledger, the tenants themselves and the queue (jobs carry tenants in payloads).
    expect(unscoped).toEqual(['ftm_migrations', 'job_queue', 'tenants']);
  });

  it('indexes every tenant-scoped table with tenant_id as the leading column', async () => {
    const result = await sql<{ table_name: string }>`
      select distinct t.relname as table_name
      from pg_index i
      join pg_class t on t.oid = i.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      join pg_attribute a on a.attrelid = t.oid and a.attnum = i.indkey[0]
      where n.nspname = 'public' and a.attname = 'tenant_id'`.execute(t.database.db);
    const indexed = new Set(result.rows.map((r) => r.table_name));
    const scoped = Object.entries(schemaSpec)
      .filter(([, cols]) => 'tenant_id' in cols)
      .map(([name]) => name);
    expect(scoped.filter((name) => !indexed.has(name))).toEqual([]);
  });
});
