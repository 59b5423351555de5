import type { RegisteredRoute } from './registered-route.js';

/**
 * The methods a path answers, for a 405 with `Allow` instead of a 404 when the path exists but
 * the method does not. Patterns are compiled once from the registered routes and consulted only
 * when no route matched, so the hot paths never pay for this.
 */
export function allowedMethodsFinder(routes: readonly RegisteredRoute[]): (path: string) => string[] {
  let compiled: { re: RegExp; method: string }[] | undefined;
  return (path) => {
    compiled ??= routes.map((r) => ({ re: patternOf(r.url), method: r.method }));
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const methods = new Set(compiled.filter((c) => c.re.test(trimmed)).map((c) => c.method));
    if (methods.size === 0) return [];
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

// `/model-versions/:id/approve` → /^\/model-versions\/[^/]+\/approve$/; `*` matches the rest.
function patternOf(url: string): RegExp {
  const source = url
    .replace(/\/+$/, '')
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source || '/'}$`);
}
