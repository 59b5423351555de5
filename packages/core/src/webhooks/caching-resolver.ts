import type { HostResolver, ResolvedAddress } from './resolve-destination.js';

/**
 * Remembers a resolver's answers for `ttlMs`, so a burst of attempts to one host asks DNS once
 * instead of once per attempt. Only answers are cached, never verdicts: every attempt still
 * judges the addresses against the destination policy and connects to the judged address.
 * Failures are not cached. Kept short (seconds): a host that moves is followed almost at once.
 */
export function cachingResolver(resolver: HostResolver, options: { ttlMs?: number; maxHosts?: number; now?: () => number } = {}): HostResolver {
  const ttlMs = options.ttlMs ?? 5_000;
  const maxHosts = options.maxHosts ?? 1_024;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { readonly at: number; readonly addresses: Promise<readonly ResolvedAddress[]> }>();
  return (hostname) => {
    const key = hostname.toLowerCase();
    const cached = answers.get(key);
    if (cached && now() - cached.at < ttlMs) return cached.addresses;
    if (answers.size >= maxHosts) answers.clear();
    // The promise itself is cached, so concurrent attempts share one lookup.
    const addresses = resolver(hostname);
    const entry = { at: now(), addresses };
    answers.set(key, entry);
    addresses.catch(() => {
      if (answers.get(key) === entry) answers.delete(key);
    });
    return addresses;
  };
}
