import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import { pollUntil, type WaitOptions } from '../core/wait.js';
import type { CreateFtJobRequest, FtJob, FtJobEvent, FtJobStatus, RetargetFtJobRequest } from '../generated/schemas.js';

const terminal = ['completed', 'failed', 'canceled', 'blocked'] as const satisfies readonly FtJobStatus[];
/** A status after which a fine-tuning job no longer changes. */
export type FtJobTerminalStatus = (typeof terminal)[number];
/** Statuses after which a fine-tuning job no longer changes. */
export const FT_JOB_TERMINAL_STATUSES: readonly FtJobStatus[] = terminal;

/** Gated, costed fine-tuning jobs. */
export class FtJobs extends ApiResource {
  /**
   * Creates a fine-tuning job (gates run first; it may wait for approval).
   * @example const job = await ftm.ftJobs.create({ dataset_id: ds.id, base_model: 'gpt-4o-mini-2024-07-18', method: 'supervised' });
   */
  create(body: CreateFtJobRequest, options?: RequestOptions): ApiPromise<FtJob> {
    return this.client.request({ method: 'POST', path: '/ft-jobs', body, options });
  }

  /**
   * Lists jobs.
   * @example for await (const job of ftm.ftJobs.list({ status: 'running' })) console.log(job.id);
   */
  list(params?: ListParams<'listFtJobs'>, options?: RequestOptions): PagePromise<FtJob> {
    return this.page('/ft-jobs', params, options);
  }

  /**
   * Fetches one job.
   * @example const job = await ftm.ftJobs.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<FtJob> {
    return this.client.request({ method: 'GET', path: `/ft-jobs/${seg(id)}`, options });
  }

  /**
   * Cancels a job (also at the provider).
   * @example await ftm.ftJobs.cancel(id);
   */
  cancel(id: string, options?: RequestOptions): ApiPromise<FtJob> {
    return this.client.request({ method: 'POST', path: `/ft-jobs/${seg(id)}/cancel`, options });
  }

  /**
   * Creates the same job on another provider (same dataset; method, base model and hyperparameters mapped; lineage kept in `retargeted_from`).
   * @example const moved = await ftm.ftJobs.retarget(job.id, { provider: 'together', base_model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference' });
   */
  retarget(id: string, body: RetargetFtJobRequest, options?: RequestOptions): ApiPromise<FtJob> {
    return this.client.request({ method: 'POST', path: `/ft-jobs/${seg(id)}/retarget`, body, options });
  }

  /**
   * Lists a job's status and provider events.
   * @example for await (const e of ftm.ftJobs.listEvents(id)) console.log(e.message);
   */
  listEvents(id: string, params?: ListParams<'listFtJobEvents'>, options?: RequestOptions): PagePromise<FtJobEvent> {
    return this.page(`/ft-jobs/${seg(id)}/events`, params, options);
  }

  /**
   * Polls until the job is `completed`, `failed`, `canceled` or `blocked`, and returns it.
   * @example
   * const job = await ftm.ftJobs.waitUntilDone(id, { signal: AbortSignal.timeout(3_600_000) });
   * if (job.status === 'completed') console.log(job.model_version_id);
   */
  waitUntilDone(id: string, options?: WaitOptions): Promise<FtJob> {
    return pollUntil(
      (signal) => this.get(id, { signal }),
      (job) => FT_JOB_TERMINAL_STATUSES.includes(job.status),
      options,
    );
  }
}
