import { Ftm } from '@ftm/sdk';

// The API key lives in this module's memory, and in sessionStorage only when the user asks to stay
// signed in for this tab. Never in a URL, never in a cookie: the SDK sends it as a bearer header.
const STORAGE_KEY = 'ftm.console.apiKey';

let current: Ftm | null = null;

/** A client for the API this console is served by (same origin: no CORS needed). */
function clientFor(apiKey: string): Ftm {
  return new Ftm({ baseUrl: location.origin, apiKey, maxRetries: 1 });
}

/** The signed-in client, or null. */
export function client(): Ftm | null {
  return current;
}

/** The signed-in client; pages render only after sign-in, so its absence is a bug. */
export function api(): Ftm {
  if (!current) throw new Error('not signed in');
  return current;
}

/** Checks the key with one cheap authenticated call, then keeps it (in sessionStorage if `remember`). */
export async function signIn(apiKey: string, remember: boolean): Promise<void> {
  const candidate = clientFor(apiKey.trim());
  await candidate.projects.list({ limit: 1 });
  current = candidate;
  if (remember) sessionStorage.setItem(STORAGE_KEY, apiKey.trim());
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** Restores a key kept for this tab, if any (checked on its first use). */
export function restore(): boolean {
  const kept = sessionStorage.getItem(STORAGE_KEY);
  if (kept) current = clientFor(kept);
  return current !== null;
}

/** Forgets the key everywhere it was held. */
export function signOut(): void {
  current = null;
  sessionStorage.removeItem(STORAGE_KEY);
}
