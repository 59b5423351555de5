import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { assertTargetInScope, pointerProjectId } from '../pointers/target.js';
import { assertCron } from './cron-schedule.js';
import { defaultBaseline, promotionBaseline } from './baseline.js';
import { insertReEval } from './insert-re-eval.js';
import { CreateReEvalInput, type ReEval, type StoredBaseline } from './re-eval.js';

/**
 * `POST /monitoring/re-evals`: a cron or immediate re-eval of whatever a target serves (or of one
 * model), with its regression policy. Its baseline is taken now — the promotion that put the
 * serving version there, else that version's latest eval on the suite — and followed at run time
 * when the target moves on.
 */
export async function createReEval(db: Kysely<DB>, ctx: ServiceContext, input: unknown): Promise<ReEval> {
  const body = parseInput(CreateReEvalInput, input, 're-eval');
  if (body.schedule.type === 'cron') assertCron(body.schedule.cron);
  if (ctx.projectId && body.project_id && body.project_id !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  const suite = await db.selectFrom('eval_suites').select(['id', 'project_id']).where('tenant_id', '=', ctx.tenantId).where('id', '=', body.eval_suite_id).executeTakeFirst();
  if (!suite) throw new NotFoundError('eval_suite', body.eval_suite_id);
  if (body.project_id) {
    const project = await db.selectFrom('projects').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', body.project_id).executeTakeFirst();
    if (!project) throw new NotFoundError('project', body.project_id, 'project_id');
  }
  const projectId = body.project_id ?? ctx.projectId ?? (body.target ? pointerProjectId(body.target, ctx, null) : suite.project_id);
  // Auto-rollback moves a pointer: the same scope rule as promoting applies.
  if (body.target && body.policy.auto_rollback) assertTargetInScope(ctx, body.target, pointerProjectId(body.target, ctx, projectId));

  let baseline: StoredBaseline | null = null;
  let promotionId: string | null = null;
  if (body.target) {
    const pointer = await db
      .selectFrom('production_pointers')
      .select('model_version_id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('target_type', '=', body.target.type)
      .where('target_value', '=', body.target.value)
      .executeTakeFirst();
    if (pointer) {
      const promoted = await promotionBaseline(db, ctx.tenantId, body.target, pointer.model_version_id);
      promotionId = promoted?.promotionId ?? null;
      baseline = promoted?.baseline ?? (await defaultBaseline(db, ctx.tenantId, suite.id, null, pointer.model_version_id, null));
    }
  } else if (body.model?.type === 'ft_model_version') {
    const version = await db.selectFrom('model_versions').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', body.model.value).executeTakeFirst();
    if (!version) throw new NotFoundError('model_version', body.model.value);
    baseline = await defaultBaseline(db, ctx.tenantId, suite.id, null, version.id, body.model);
  }
  // A model that is not a registered version has no eval to start from: its first run is the baseline.
  return db.transaction().execute((trx) =>
    insertReEval(trx, ctx, {
      projectId,
      name: body.name ?? null,
      evalSuiteId: suite.id,
      target: body.target ?? null,
      model: body.model ?? null,
      schedule: body.schedule,
      policy: body.policy,
      baseline,
      promotionId,
    }),
  );
}
