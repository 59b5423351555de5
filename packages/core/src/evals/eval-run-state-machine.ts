import { InvalidTransitionError } from '../shared/errors.js';
import type { EvalRunStatus } from '../db/schema.js';

/** What can happen to a run. */
export type EvalRunEvent = 'start' | 'complete' | 'stop' | 'fail' | 'cancel';

const TRANSITIONS: Readonly<Record<EvalRunStatus, Partial<Record<EvalRunEvent, EvalRunStatus>>>> = {
  queued: { start: 'running', fail: 'failed', cancel: 'canceled' },
  // `start` again: a worker resuming a run that a crashed worker had started.
  running: { start: 'running', complete: 'completed', stop: 'stopped', fail: 'failed', cancel: 'canceled' },
  completed: {},
  stopped: {},
  failed: {},
  canceled: {},
};

/** The status after an event, or InvalidTransitionError. */
export function nextEvalRunStatus(from: EvalRunStatus, event: EvalRunEvent): EvalRunStatus {
  const to = TRANSITIONS[from][event];
  if (!to) throw new InvalidTransitionError('eval_run', from, event);
  return to;
}

/** Whether a run is over (no more cases will run). */
export function isFinishedEvalRun(status: EvalRunStatus): boolean {
  return status === 'completed' || status === 'stopped' || status === 'failed' || status === 'canceled';
}
