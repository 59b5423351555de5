import type { ServiceContext } from '../shared/context.js';
import { ConflictError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseInput } from '../shared/parse-input.js';
import type { WebhookDeps } from './webhook-deps.js';
import { RotateWebhookSecretInput, toWebhookEndpoint, type WebhookEndpointWithSecret } from './webhook-endpoint.js';
import { generateWebhookSecret } from './webhook-secret.js';
import { findEndpoint } from './endpoint-scope.js';

/**
 * `POST /webhook-endpoints/{id}/rotate-secret`: a new secret signs from now on and the old one
 * keeps signing beside it until the overlap ends (default 24 h), so receivers can switch without
 * a window where deliveries fail. An endpoint on FTM_WEBHOOK_SIGNING_KEY rotates with that key.
 */
export async function rotateWebhookEndpointSecret(deps: WebhookDeps, ctx: ServiceContext, id: string, input: unknown): Promise<WebhookEndpointWithSecret> {
  const body = parseInput(RotateWebhookSecretInput, input ?? {}, 'rotation');
  const overlapMs = body.overlap_seconds !== undefined ? body.overlap_seconds * 1000 : deps.settings.rotationOverlapMs;
  const now = ctx.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const before = await findEndpoint(trx, ctx, id, { forUpdate: true });
    if (before.secret === null) {
      throw new ConflictError('this endpoint is signed with FTM_WEBHOOK_SIGNING_KEY; rotate that key (see the operations runbook)', 'signing_key_endpoint');
    }
    const secret = generateWebhookSecret();
    const expiresAt = overlapMs > 0 ? new Date(now.getTime() + overlapMs) : null;
    const row = await trx
      .updateTable('webhook_endpoints')
      .set({
        secret,
        previous_secret: expiresAt ? before.secret : null,
        previous_secret_expires_at: expiresAt,
        updated_at: now,
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const endpoint = toWebhookEndpoint(row, now);
    await recordEvent(trx, ctx, {
      type: 'webhook_endpoint.secret_rotated',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint.id,
      projectId: endpoint.project_id,
      payload: { webhook_endpoint: endpoint },
    });
    await recordAudit(trx, ctx, {
      action: 'webhook_endpoint.rotate_secret',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint.id,
      projectId: endpoint.project_id,
      summary: `rotated the secret of webhook endpoint ${new URL(endpoint.url).host}; the old one signs until ${expiresAt?.toISOString() ?? 'now'}`,
      details: { overlap_seconds: Math.round(overlapMs / 1000) },
    });
    return { ...endpoint, secret };
  });
}
