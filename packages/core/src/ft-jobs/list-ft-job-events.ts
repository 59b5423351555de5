import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListFtJobEventsInput, toFtJobTimelineEvent, type FtJobTimelineEvent } from './ft-job.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { findFtJobRow } from './ft-job-repository.js';

/** `GET /ft-jobs/{id}/events`: our entries and the provider's, newest first. */
export async function listFtJobEvents(deps: Pick<FtJobDeps, 'db'>, ctx: ServiceContext, id: string, input?: unknown): Promise<Page<FtJobTimelineEvent>> {
  const q = parseInput(ListFtJobEventsInput, input ?? {}, 'event list query');
  await findFtJobRow(deps.db, ctx, id);
  let query = deps.db.selectFrom('ft_job_events').selectAll().where('tenant_id', '=', ctx.tenantId).where('ft_job_id', '=', id);
  if (q.cursor) query = query.where('id', '<', decodeIdCursor(q.cursor));
  const rows = await query
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  return toIdPage(rows, q.limit, toFtJobTimelineEvent);
}
