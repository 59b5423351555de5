/** Short local date-time of an RFC 3339 timestamp; '—' when absent. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** USD with cents (or more digits for small amounts); '—' when absent. */
export function usd(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  return Number.isFinite(n) ? `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 4 : 2)}` : String(value);
}

/** A number with thousands separators; '—' when absent. */
export function num(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined) return '—';
  return digits === undefined ? value.toLocaleString() : value.toFixed(digits);
}

/** The first 8 characters of an id, for tables (the full id is in the link and its title). */
export function shortId(id: string | null | undefined): string {
  return id ? id.slice(-8) : '—';
}

/** A problem+json detail (or any error) as one readable line. */
export function errorText(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { status?: number; code?: string; error?: { title?: string; detail?: string }; message?: string };
    if (e.error) return [e.status, e.code, e.error.detail ?? e.error.title].filter(Boolean).join(' · ');
    if (e.message) return e.message;
  }
  return String(error);
}

/** A fresh Idempotency-Key for one user action (retries of that action reuse it inside the SDK). */
export function actionKey(action: string): string {
  return `console-${action}-${crypto.randomUUID()}`;
}
