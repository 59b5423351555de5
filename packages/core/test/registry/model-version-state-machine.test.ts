import { describe, expect, it } from 'vitest';
import { MODEL_VERSION_EVENTS, nextModelVersionStatus } from '../../src/registry/model-version-state-machine.js';
import { MODEL_VERSION_STATUSES } from '../../src/registry/model-version.js';
import { InvalidTransitionError } from '../../src/shared/errors.js';

const allowed: Record<string, string> = {
  'candidate approve': 'approved',
  'candidate promote': 'production',
  'approved promote': 'production',
  'production demote': 'approved',
  'candidate retire': 'retired',
  'approved retire': 'retired',
  'production retire': 'retired',
};

const pairs = MODEL_VERSION_STATUSES.flatMap((from) => MODEL_VERSION_EVENTS.map((event) => ({ from, event, key: `${from} ${event}` })));

describe('model version state machine', () => {
  it.each(pairs.filter((p) => p.key in allowed))('moves $from by $event', ({ from, event, key }) => {
    expect(nextModelVersionStatus(from, event)).toBe(allowed[key]);
  });

  it.each(pairs.filter((p) => !(p.key in allowed)))('refuses $event from $from', ({ from, event }) => {
    expect(() => nextModelVersionStatus(from, event)).toThrow(InvalidTransitionError);
  });

  it('covers every status and event pair exactly once', () => {
    expect(pairs).toHaveLength(16);
    expect(pairs.filter((p) => p.key in allowed)).toHaveLength(Object.keys(allowed).length);
  });
});
