import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListTenantsInput, toTenant, type Tenant } from './tenant.js';

/** `GET /tenants` (operator) and `ftm tenants list`: every tenant, newest first. */
export async function listTenants(db: Kysely<DB>, query: unknown): Promise<Page<Tenant>> {
  const input = parseInput(ListTenantsInput, query, 'query');
  let q = db.selectFrom('tenants').selectAll();
  if (input.cursor) q = q.where('id', '<', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  return toIdPage(rows, input.limit, toTenant);
}
