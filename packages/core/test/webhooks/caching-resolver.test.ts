import { describe, expect, it } from 'vitest';
import { cachingResolver } from '../../src/webhooks/caching-resolver.js';
import type { HostResolver, ResolvedAddress } from '../../src/webhooks/resolve-destination.js';

/** A resolver that answers from `answers` and counts its lookups. */
function countingResolver(answers: Record<string, string>): HostResolver & { lookups: number } {
  const resolver = Object.assign(
    async (host: string): Promise<readonly ResolvedAddress[]> => {
      resolver.lookups += 1;
      const address = answers[host];
      if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return [{ address, family: 4 }];
    },
    { lookups: 0 },
  );
  return resolver;
}

describe('cachingResolver', () => {
  it('asks once for a host within the time to live, concurrent attempts included', async () => {
    const inner = countingResolver({ 'hooks.example.com': '93.184.216.34' });
    let now = 0;
    const resolve = cachingResolver(inner, { ttlMs: 5_000, now: () => now });
    await Promise.all([resolve('hooks.example.com'), resolve('HOOKS.example.com')]);
    now = 4_999;
    expect(await resolve('hooks.example.com')).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect(inner.lookups).toBe(1);
  });

  it('follows a changed answer once the time to live has passed', async () => {
    const answers = { 'hooks.example.com': '93.184.216.34' };
    const inner = countingResolver(answers);
    let now = 0;
    const resolve = cachingResolver(inner, { ttlMs: 5_000, now: () => now });
    await resolve('hooks.example.com');
    answers['hooks.example.com'] = '127.0.0.1';
    now = 5_000;
    expect(await resolve('hooks.example.com')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(inner.lookups).toBe(2);
  });

  it('does not remember a failed lookup', async () => {
    const answers: Record<string, string> = {};
    const inner = countingResolver(answers);
    const resolve = cachingResolver(inner, { ttlMs: 5_000, now: () => 0 });
    await expect(resolve('new.example.com')).rejects.toThrow('not found');
    answers['new.example.com'] = '93.184.216.34';
    expect(await resolve('new.example.com')).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('caches nothing with a time to live of 0', async () => {
    const inner = countingResolver({ 'hooks.example.com': '93.184.216.34' });
    const resolve = cachingResolver(inner, { ttlMs: 0, now: () => 0 });
    await resolve('hooks.example.com');
    await resolve('hooks.example.com');
    expect(inner.lookups).toBe(2);
  });
});
