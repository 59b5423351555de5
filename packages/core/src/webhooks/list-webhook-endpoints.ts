import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import type { WebhookDeps } from './webhook-deps.js';
import { ListWebhookEndpointsInput, toWebhookEndpoint, type WebhookEndpoint } from './webhook-endpoint.js';

/** `GET /webhook-endpoints`: live endpoints, newest first, keyset-paginated by id. */
export async function listWebhookEndpoints(deps: WebhookDeps, ctx: ServiceContext, query: unknown): Promise<Page<WebhookEndpoint>> {
  const input = parseInput(ListWebhookEndpointsInput, query, 'query');
  let q = deps.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', ctx.tenantId).where('deleted_at', 'is', null);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  if (input.project_id) q = q.where('project_id', '=', input.project_id);
  if (input.enabled !== undefined) q = q.where('enabled', '=', input.enabled);
  if (input.cursor) q = q.where('id', '<', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const now = ctx.clock.now();
  return toIdPage(rows, input.limit, (row) => toWebhookEndpoint(row, now));
}
