import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { toModelVersion, type ModelVersion } from './model-version.js';
import { nextModelVersionStatus, type ModelVersionEvent } from './model-version-state-machine.js';
import { modelVersionRepository } from './kysely-model-version-repository.js';

/**
 * Moves a version through its lifecycle inside the caller's transaction: locks the row, applies
 * the state machine, writes `model_version.updated` and an audit row. Promotions use it for
 * `promote`/`demote`.
 */
export async function transitionModelVersion(trx: Transaction<DB>, ctx: ServiceContext, id: string, event: ModelVersionEvent): Promise<ModelVersion> {
  const current = await modelVersionRepository.findById(trx, ctx, id, { forUpdate: true });
  if (!current) throw new NotFoundError('model_version', id);
  const next = nextModelVersionStatus(current.status, event);
  const version = toModelVersion(await modelVersionRepository.updateStatus(trx, ctx.tenantId, id, next, ctx.clock.now()), ctx.clock.now());
  await recordEvent(trx, ctx, {
    type: 'model_version.updated',
    resourceType: 'model_version',
    resourceId: id,
    projectId: version.project_id,
    payload: { model_version: version, previous_status: current.status },
  });
  await recordAudit(trx, ctx, {
    action: `model_version.${event}`,
    resourceType: 'model_version',
    resourceId: id,
    projectId: version.project_id,
    summary: `model version ${version.name} went from ${current.status} to ${next}`,
    details: { previous_status: current.status, status: next },
  });
  return version;
}

/** `POST /model-versions/{id}/approve`: candidate → approved, in one transaction. */
export function approveModelVersion(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ModelVersion> {
  return db.transaction().execute((trx) => transitionModelVersion(trx, ctx, id, 'approve'));
}

/**
 * `POST /model-versions/{id}/retire`: candidate | approved → retired (final), in one transaction.
 * A version in production is behind a pointer; it must be replaced by a promotion first.
 */
export function retireModelVersion(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ModelVersion> {
  return db.transaction().execute(async (trx) => {
    const current = await modelVersionRepository.findById(trx, ctx, id, { forUpdate: true });
    if (current?.status === 'production') {
      throw new ConflictError('this model version serves production; promote another version first', 'model_version_in_production');
    }
    return transitionModelVersion(trx, ctx, id, 'retire');
  });
}
