import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseInput } from '../shared/parse-input.js';
import { CreateApiKeyInput, toApiKey, type CreatedApiKey } from './api-key.js';
import { generateApiKey } from './api-key-secret.js';
import { pinProject, requireAdmin } from './require-admin.js';

/** Creates a key for the caller's tenant (admin only); the secret is returned here and never again. */
export async function createApiKey(db: Kysely<DB>, ctx: ServiceContext, input: unknown): Promise<CreatedApiKey> {
  requireAdmin(ctx, 'creating API keys');
  const body = parseInput(CreateApiKeyInput, input, 'API key');
  const projectId = pinProject(ctx, body.project_id);
  const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= ctx.clock.now().getTime()) {
    throw new ValidationError('API key is not valid', [{ path: 'expires_at', message: 'must be in the future' }]);
  }
  const generated = generateApiKey();
  return db.transaction().execute(async (trx) => {
    if (projectId) {
      const project = await trx.selectFrom('projects').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', projectId).executeTakeFirst();
      if (!project) throw new NotFoundError('project', projectId, 'project_id');
    }
    const row = await trx
      .insertInto('api_keys')
      .values({
        id: ctx.ids.next(),
        tenant_id: ctx.tenantId,
        project_id: projectId,
        name: body.name,
        role: body.role,
        prefix: generated.displayPrefix,
        key_hash: generated.hash,
        created_at: ctx.clock.now(),
        expires_at: expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const key = toApiKey(row);
    await recordEvent(trx, ctx, { type: 'api_key.created', resourceType: 'api_key', resourceId: key.id, projectId, payload: { api_key: key } });
    await recordAudit(trx, ctx, {
      action: 'api_key.create',
      resourceType: 'api_key',
      resourceId: key.id,
      projectId,
      summary: `created ${key.role} API key ${key.name} (${key.prefix}…)`,
      details: { role: key.role, prefix: key.prefix, expires_at: key.expires_at },
    });
    return { ...key, secret: generated.secret };
  });
}
