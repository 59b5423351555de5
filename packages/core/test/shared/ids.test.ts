import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7 } from '../../src/shared/ids.js';

describe('uuidv7', () => {
  it('mints RFC 9562 version-7 ids that sort in creation order and never repeat', () => {
    const ids = Array.from({ length: 5_000 }, () => uuidv7()); // spans many refills of the random pool
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('puts the given millisecond in the first 48 bits', () => {
    const ms = Date.now() + 86_400_000; // ahead of every id minted so far in this process
    const id = uuidv7(ms);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
  });

  it('stays ordered past 4,096 ids in one millisecond by borrowing the next one', () => {
    const ms = Date.now() + 2 * 86_400_000;
    const ids = Array.from({ length: 6_000 }, () => uuidv7(ms));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const millis = new Set(ids.map((id) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)));
    expect([...millis].every((m) => m === ms || m === ms + 1)).toBe(true);
    expect(millis.size).toBe(2);
  });
});
