import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { readColumnCodes } from './schema-codes.js';
import { schemaSpec } from './schema-spec.js';

describe('schema spec', () => {
  it('typechecks against src/db/schema.ts: no table or column missing on either side, same kind, nullability and default', () => {
    // What `pnpm typecheck` says about schema-spec.ts, so the check also fails when only the tests run.
    const spec = fileURLToPath(new URL('./schema-spec.ts', import.meta.url));
    const program = ts.createProgram([spec], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });
});

describe.each(storeAdapters)('schema on $name', ({ create }) => {
  let t: TestDatabase;
  let codes: Record<string, Record<string, string>>;
  beforeAll(async () => {
    t = await create({ migrate: false });
    const report = await t.database.migrate();
    expect(report.alreadyApplied).toEqual([]);
    codes = await readColumnCodes(t.database.db);
  });
  afterAll(async () => t?.dispose());

  it('applies every migration from an empty database, and nothing on a second run', async () => {
    const again = await t.database.migrate();
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.map((id) => id.slice(0, 4))).toEqual(expect.arrayContaining(['0001', '0002', '0004']));
  });

  it('creates exactly the tables the DB type declares', () => {
    expect(Object.keys(codes).sort()).toEqual(Object.keys(schemaSpec).sort());
  });

  it('gives every column the kind, nullability and default its Kysely type declares', () => {
    // schema-spec.ts is typechecked against the Kysely types; here it meets the real database
    expect(codes).toEqual(schemaSpec);
  });

  it('gives every table with a tenant_id a foreign key to tenants, and only global tables lack one', async () => {
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
    const scoped = Object.keys(codes).filter((name) => 'tenant_id' in codes[name]!);
    expect(scoped.filter((name) => !referencing.has(name))).toEqual([]);
    // Global by design: the migrations ledger, the tenants themselves, the queues (jobs carry their
    // tenant in the payload; the broker queues' ledger and consumer counts) and singleton
    // scheduler leases; the simulated provider's own schema stands in for an external provider.
    const unscoped = Object.keys(codes).filter((name) => !('tenant_id' in codes[name]!));
    const global = ['ftm_migrations', 'tenants', 'job_queue', 'broker_jobs', 'broker_consumers', 'scheduler_leases', 'ftm_simulated.files', 'ftm_simulated.jobs'];
    expect(unscoped.filter((name) => !global.includes(name))).toEqual([]);
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
    const scoped = Object.keys(codes).filter((name) => 'tenant_id' in codes[name]!);
    expect(scoped.filter((name) => !indexed.has(name))).toEqual([]);
  });
});
