import { describe, expect, it } from 'vitest';
import { FT_JOB_EVENTS, FT_JOB_STATUSES, isTerminalFtJobStatus, nextFtJobStatus, type FtJobEvent } from '../../src/ft-jobs/ft-job-state-machine.js';
import { InvalidTransitionError } from '../../src/shared/errors.js';
import type { FtJobStatus } from '../../src/db/schema.js';

const ALLOWED: ReadonlyArray<[FtJobStatus, FtJobEvent, FtJobStatus]> = [
  ['queued', 'await_approval', 'awaiting_approval'],
  ['queued', 'start_submission', 'submitting'],
  ['queued', 'fail', 'failed'],
  ['queued', 'cancel', 'canceled'],
  ['awaiting_approval', 'approve', 'queued'],
  ['awaiting_approval', 'reject', 'blocked'],
  ['awaiting_approval', 'cancel', 'canceled'],
  ['submitting', 'submitted', 'running'],
  ['submitting', 'fail', 'failed'],
  ['submitting', 'cancel', 'canceled'],
  ['running', 'complete', 'completed'],
  ['running', 'fail', 'failed'],
  ['running', 'cancel', 'canceled'],
];

describe('fine-tuning job state machine', () => {
  it.each(ALLOWED)('%s --%s--> %s', (from, event, to) => {
    expect(nextFtJobStatus(from, event)).toBe(to);
  });

  const forbidden = FT_JOB_STATUSES.flatMap((from) => FT_JOB_EVENTS.map((event) => [from, event] as const)).filter(([from, event]) => !ALLOWED.some(([f, e]) => f === from && e === event));
  it.each(forbidden)('refuses %s --%s', (from, event) => {
    expect(() => nextFtJobStatus(from, event)).toThrow(InvalidTransitionError);
  });

  it('treats completed, failed, canceled and blocked as final and nothing else', () => {
    expect(FT_JOB_STATUSES.filter(isTerminalFtJobStatus).sort()).toEqual(['blocked', 'canceled', 'completed', 'failed']);
  });
});
