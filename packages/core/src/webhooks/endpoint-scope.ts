import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { DependencyUnavailableError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import type { WebhookDeps } from './webhook-deps.js';
import type { WebhookEndpointRow } from './webhook-endpoint.js';
import { DestinationLookupError, RefusedDestinationError, resolveDestination } from './resolve-destination.js';

/**
 * The live (not deleted) endpoint `id` of the caller's tenant, and of its project when the key
 * is project-scoped; NotFoundError otherwise, so another tenant's endpoint is simply not there.
 */
export async function findEndpoint(db: Kysely<DB> | Transaction<DB>, ctx: ServiceContext, id: string, options: { forUpdate?: boolean } = {}): Promise<WebhookEndpointRow> {
  if (!isUuid(id)) throw new NotFoundError('webhook endpoint', id);
  let q = db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).where('deleted_at', 'is', null);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError('webhook endpoint', id);
  return row;
}

/** The project a new endpoint belongs to: a project-scoped key may only use its own. */
export async function resolveEndpointProject(trx: Transaction<DB>, ctx: ServiceContext, requested: string | undefined): Promise<string | null> {
  if (ctx.projectId && requested && requested !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  const projectId = requested ?? ctx.projectId;
  if (projectId) {
    const found = await trx.selectFrom('projects').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', projectId).executeTakeFirst();
    if (!found) throw new NotFoundError('project', projectId, 'project_id');
  }
  return projectId;
}

/**
 * Checks a destination when an endpoint is created or its URL changes, so a refused address is a
 * 400 at once rather than a dead letter later. Returns the normalised URL.
 */
export async function checkEndpointUrl(deps: WebhookDeps, raw: string): Promise<string> {
  const url = new URL(raw);
  try {
    await resolveDestination(url, deps.policy, deps.resolver);
  } catch (error) {
    if (error instanceof RefusedDestinationError) {
      throw new ValidationError('the webhook destination is refused', [{ path: 'url', message: error.message }]);
    }
    if (error instanceof DestinationLookupError) {
      if (error.notFound) throw new ValidationError('the webhook destination is refused', [{ path: 'url', message: error.message }]);
      throw new DependencyUnavailableError('dns', 'the webhook destination could not be resolved right now', { cause: error });
    }
    throw error;
  }
  return url.toString();
}
