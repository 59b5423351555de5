import { InvalidTransitionError } from '../shared/errors.js';
import type { ModelVersionStatus } from '../db/schema.js';

/** What can happen to a model version. `demote` is how a promotion or rollback unseats production. */
export type ModelVersionEvent = 'approve' | 'promote' | 'demote' | 'retire';

/** Every model version event, for exhaustive tests and input validation. */
export const MODEL_VERSION_EVENTS = ['approve', 'promote', 'demote', 'retire'] as const satisfies readonly ModelVersionEvent[];

const TRANSITIONS: Readonly<Record<ModelVersionEvent, Partial<Record<ModelVersionStatus, ModelVersionStatus>>>> = {
  approve: { candidate: 'approved' },
  promote: { candidate: 'production', approved: 'production' },
  demote: { production: 'approved' },
  retire: { candidate: 'retired', approved: 'retired', production: 'retired' },
};

/** The status after `event`, or InvalidTransitionError; retired is final. */
export function nextModelVersionStatus(from: ModelVersionStatus, event: ModelVersionEvent): ModelVersionStatus {
  const to = TRANSITIONS[event][from];
  if (!to) throw new InvalidTransitionError('model_version', from, event);
  return to;
}
