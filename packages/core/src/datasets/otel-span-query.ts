import { sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { DB } from '../db/schema.js';
import type { OtelSpanFilters, SpanAttributeFilter } from './otel-span-source-config.js';

/** The spans a dataset reads: its tenant, its project (all of the tenant's when it has none), its filters. */
export interface OtelSpanScope {
  readonly tenantId: string;
  readonly projectId: string | null;
  readonly filters: OtelSpanFilters;
}

const TWO_TO_32 = 2 ** 32;

function attributeCondition(f: SpanAttributeFilter): Expression<SqlBool> {
  const value = sql`(attributes -> ${f.key})`;
  const json = (v: unknown) => sql`cast(${JSON.stringify(v)} as jsonb)`;
  // Range operators compare numbers only; a string or a missing attribute never matches.
  const number = sql`(case when jsonb_typeof(${value}) = 'number' then cast(attributes ->> ${f.key} as numeric) end)`;
  switch (f.op) {
    case 'exists':
      return sql<SqlBool>`${value} is not null`;
    case 'eq':
      return sql<SqlBool>`${value} = ${json(f.value)}`;
    case 'ne':
      return sql<SqlBool>`${value} is distinct from ${json(f.value)}`;
    // A list contains a scalar in jsonb (`["a","b"] @> "a"`), and a list attribute any of whose
    // elements is listed matches too.
    case 'in':
      return sql<SqlBool>`(${value} is not null and (${json(f.value)} @> ${value} or (jsonb_typeof(${value}) = 'array' and ${value} ?| cast(${(f.value as unknown[]).map(String)} as text[]))))`;
    case 'gt':
      return sql<SqlBool>`${number} > ${f.value as number}`;
    case 'gte':
      return sql<SqlBool>`${number} >= ${f.value as number}`;
    case 'lt':
      return sql<SqlBool>`${number} < ${f.value as number}`;
    case 'lte':
      return sql<SqlBool>`${number} <= ${f.value as number}`;
  }
}

/**
 * The genai_spans rows of a dataset's scope and filters (no order, no limit). Sampling keeps a
 * span when the first 32 bits of its (random, per the W3C trace context) span id fall below the
 * rate: the same spans on every rebuild, independent of the others.
 */
export function spansInScope(db: Kysely<DB>, scope: OtelSpanScope): SelectQueryBuilder<DB, 'genai_spans', object> {
  const f = scope.filters;
  let q = db.selectFrom('genai_spans').where('tenant_id', '=', scope.tenantId);
  if (scope.projectId) q = q.where('project_id', '=', scope.projectId);
  if (f.since) q = q.where('start_time', '>=', new Date(f.since));
  if (f.until) q = q.where('start_time', '<', new Date(f.until));
  if (f.service_names) q = q.where('service_name', 'in', f.service_names);
  if (f.models) {
    const models = f.models;
    q = q.where((eb) => eb.or([eb('request_model', 'in', models), eb('response_model', 'in', models)]));
  }
  if (f.providers) q = q.where('provider', 'in', f.providers);
  if (f.operations) q = q.where('operation', 'in', f.operations);
  if (f.finish_reasons) q = q.where(sql<SqlBool>`finish_reasons && cast(${f.finish_reasons} as text[])`);
  for (const condition of f.attributes ?? []) q = q.where(attributeCondition(condition));
  if (f.sample_rate !== undefined && f.sample_rate < 1) {
    q = q.where(sql<SqlBool>`cast(cast(('x' || substr(span_id, 1, 8)) as bit(32)) as bigint) < ${Math.floor(f.sample_rate * TWO_TO_32)}`);
  }
  return q;
}
