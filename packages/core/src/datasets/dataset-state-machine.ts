import type { DatasetStatus } from '../db/schema.js';
import { InvalidTransitionError } from '../shared/errors.js';

/** What can happen to a dataset build. */
export type DatasetEvent = 'start' | 'succeed' | 'block' | 'fail';

// `start` from building is a retry after a crashed worker; the terminal states never move.
const TRANSITIONS: Readonly<Record<DatasetStatus, Partial<Record<DatasetEvent, DatasetStatus>>>> = {
  queued: { start: 'building', fail: 'failed' },
  building: { start: 'building', succeed: 'ready', block: 'blocked', fail: 'failed' },
  ready: {},
  blocked: {},
  failed: {},
};

/** The status after an event, or InvalidTransitionError. */
export function nextDatasetStatus(from: DatasetStatus, event: DatasetEvent): DatasetStatus {
  const to = TRANSITIONS[from][event];
  if (!to) throw new InvalidTransitionError('dataset', from, event);
  return to;
}

/** Whether a status is final (no build will change it again). */
export function isTerminalDatasetStatus(status: DatasetStatus): boolean {
  return status === 'ready' || status === 'blocked' || status === 'failed';
}
