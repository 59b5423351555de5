import { createRequire } from 'node:module';

const requireFromCore = createRequire(import.meta.url);

/**
 * A dependency loaded on first use, synchronously (its CommonJS build). The broker, Redis and AWS
 * clients take about a second to load together; a process that never opens that adapter (the
 * embedded default: PGlite, the local queue, files) should not pay for them at every start.
 * Within FTM each such package is only ever loaded this way, so its classes (and `instanceof`
 * checks between them) stay the ones of a single copy.
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireFromCore(id) as T);
}
