import type { ServiceContext } from '../shared/context.js';
import { ValidationError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseInput } from '../shared/parse-input.js';
import type { WebhookDeps } from './webhook-deps.js';
import { CreateWebhookEndpointInput, toWebhookEndpoint, type WebhookEndpointWithSecret } from './webhook-endpoint.js';
import { generateWebhookSecret } from './webhook-secret.js';
import { checkEndpointUrl, resolveEndpointProject } from './endpoint-scope.js';

/**
 * `POST /webhook-endpoints`: checks the destination, then stores the endpoint with a fresh
 * `whsec_` secret (or none, to be signed with FTM_WEBHOOK_SIGNING_KEY) in one transaction with
 * its event and audit row. The secret is in this answer only.
 */
export async function createWebhookEndpoint(deps: WebhookDeps, ctx: ServiceContext, input: unknown): Promise<WebhookEndpointWithSecret> {
  const body = parseInput(CreateWebhookEndpointInput, input, 'webhook endpoint');
  const source = body.secret_source ?? 'generated';
  if (source === 'signing_key' && deps.settings.signingKey === null) {
    throw new ValidationError('webhook endpoint is not valid', [{ path: 'secret_source', message: 'FTM_WEBHOOK_SIGNING_KEY is not configured' }]);
  }
  const url = await checkEndpointUrl(deps, body.url);
  const secret = source === 'generated' ? generateWebhookSecret() : null;
  const now = ctx.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const projectId = await resolveEndpointProject(trx, ctx, body.project_id);
    const row = await trx
      .insertInto('webhook_endpoints')
      .values({
        id: ctx.ids.next(),
        tenant_id: ctx.tenantId,
        project_id: projectId,
        url,
        event_types: body.event_types ?? [],
        description: body.description ?? null,
        enabled: body.enabled ?? true,
        disabled_reason: body.enabled === false ? 'disabled' : null,
        secret,
        created_by: `${ctx.actor.type}:${ctx.actor.id}`,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const endpoint = toWebhookEndpoint(row, now);
    await recordEvent(trx, ctx, {
      type: 'webhook_endpoint.created',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint.id,
      projectId,
      payload: { webhook_endpoint: endpoint },
    });
    await recordAudit(trx, ctx, {
      action: 'webhook_endpoint.create',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint.id,
      projectId,
      summary: `registered webhook endpoint ${new URL(url).host} for ${endpoint.event_types.length === 0 ? 'every event type' : endpoint.event_types.join(', ')}`,
      details: { url, event_types: endpoint.event_types, secret_source: endpoint.secret_source },
    });
    return { ...endpoint, secret };
  });
}
