import type { ServiceContext } from '../shared/context.js';
import { toFtJob, type FtJob } from './ft-job.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { findFtJobRow } from './ft-job-repository.js';

/** `GET /ft-jobs/{id}`; another tenant's job is NotFoundError. */
export async function getFtJob(deps: Pick<FtJobDeps, 'db'>, ctx: ServiceContext, id: string): Promise<FtJob> {
  return toFtJob(await findFtJobRow(deps.db, ctx, id));
}
