import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { ForbiddenError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { ListFtJobsInput, toFtJob, type FtJob } from './ft-job.js';
import type { FtJobDeps } from './ft-job-deps.js';

/** `GET /ft-jobs`: newest first, filtered by project, status and dataset, keyset-paginated. */
export async function listFtJobs(deps: Pick<FtJobDeps, 'db'>, ctx: ServiceContext, input: unknown): Promise<Page<FtJob>> {
  const q = parseInput(ListFtJobsInput, input ?? {}, 'fine-tuning job list query');
  if (ctx.projectId && q.project_id && q.project_id !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  const projectId = ctx.projectId ?? q.project_id;
  let query = deps.db.selectFrom('ft_jobs').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (projectId) query = query.where('project_id', '=', projectId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.dataset_id) query = query.where('dataset_id', '=', q.dataset_id);
  if (q.cursor) query = query.where('id', '<', decodeIdCursor(q.cursor));
  const rows = await query
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  return toIdPage(rows, q.limit, toFtJob);
}
