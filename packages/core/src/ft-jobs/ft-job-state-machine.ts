import type { FtJobStatus } from '../db/schema.js';
import { InvalidTransitionError } from '../shared/errors.js';

/** What can happen to a fine-tuning job. */
export type FtJobEvent = 'await_approval' | 'approve' | 'reject' | 'start_submission' | 'submitted' | 'complete' | 'fail' | 'cancel';

const TRANSITIONS: Readonly<Record<FtJobStatus, Partial<Record<FtJobEvent, FtJobStatus>>>> = {
  queued: { await_approval: 'awaiting_approval', start_submission: 'submitting', fail: 'failed', cancel: 'canceled' },
  awaiting_approval: { approve: 'queued', reject: 'blocked', cancel: 'canceled' },
  submitting: { submitted: 'running', fail: 'failed', cancel: 'canceled' },
  running: { complete: 'completed', fail: 'failed', cancel: 'canceled' },
  completed: {},
  failed: {},
  canceled: {},
  blocked: {},
};

/** Every status, for exhaustive tests and listings. */
export const FT_JOB_STATUSES = Object.keys(TRANSITIONS) as FtJobStatus[];
/** Every event. */
export const FT_JOB_EVENTS: readonly FtJobEvent[] = ['await_approval', 'approve', 'reject', 'start_submission', 'submitted', 'complete', 'fail', 'cancel'];

/** The status after `event`, or InvalidTransitionError (a 409). */
export function nextFtJobStatus(from: FtJobStatus, event: FtJobEvent): FtJobStatus {
  const to = TRANSITIONS[from][event];
  if (!to) throw new InvalidTransitionError('ft_job', from, event);
  return to;
}

/** Completed, failed, canceled and blocked jobs never change again. */
export function isTerminalFtJobStatus(status: FtJobStatus): boolean {
  return Object.keys(TRANSITIONS[status]).length === 0;
}
