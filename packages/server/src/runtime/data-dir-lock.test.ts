import { describe, expect, it } from 'vitest';
import { DataDirLockedError } from './data-dir-lock.js';

describe('DataDirLockedError', () => {
  const owner = { pid: 4242, command: 'start', url: 'http://localhost:8080', startedAt: '2026-12-08T00:00:00.000Z' };

  it('tells ftm queue-replay to stop the server first, since no API route replays queue dead letters', () => {
    const line = new DataDirLockedError('/srv/ftm/.ftm', owner, 'queue-replay').message;
    expect(line).toContain('no API route replays queue dead letters: stop that process first, then run `ftm queue-replay` again');
    expect(line).toContain('POST http://localhost:8080/webhooks/deliveries/replay');
    expect(line).not.toContain('\n');
  });

  it('points ftm keys at the API routes that do the same', () => {
    const line = new DataDirLockedError('/srv/ftm/.ftm', owner, 'keys').message;
    expect(line).toContain('POST http://localhost:8080/api-keys');
    expect(line).toContain('or stop that process first');
  });
});
