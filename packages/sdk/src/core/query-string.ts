/**
 * Serialises a query object the way the FTM API reads it: snake_case keys as given, arrays as one
 * comma-separated value, null/undefined dropped. Returns undefined when nothing remains.
 */
export function buildQuery(query: object | undefined): URLSearchParams | undefined {
  if (!query) return undefined;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
      continue;
    }
    params.set(key, String(value));
  }
  return params.size > 0 ? params : undefined;
}
