import { useEffect, useState } from 'preact/hooks';

/** The route read from the location hash: `#/datasets/ID?cursor=…`. */
export interface Route {
  readonly parts: readonly string[];
  readonly query: URLSearchParams;
}

function parse(): Route {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

/** The current route; re-renders on every hash change (deep links, back and forward). */
export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const onChange = () => setRoute(parse());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** A hash link to a page, with optional query parameters (empty values are left out). */
export function href(path: readonly string[], query: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) search.set(k, v);
  const q = search.toString();
  return `#/${path.map(encodeURIComponent).join('/')}${q ? `?${q}` : ''}`;
}

/** Goes to a page (adds a history entry). */
export function navigate(path: readonly string[], query: Record<string, string | undefined> = {}): void {
  location.hash = href(path, query);
}
