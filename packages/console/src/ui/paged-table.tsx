import type { Page } from '@ftm/sdk';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLive } from '../live.js';
import { ErrorBox } from './bits.js';
import { useLoad } from './use-load.js';

/** One column: a header and how a row renders in it (as text or elements, never as HTML). */
export interface Column<T> {
  readonly label: string;
  readonly render: (row: T) => ComponentChildren;
}

/** Props of {@link PagedTable}. */
export interface PagedTableProps<T> {
  /** The table's accessible name. */
  readonly label: string;
  /** One page from the API after `cursor` (undefined: the first). */
  readonly load: (cursor: string | undefined, limit: number) => PromiseLike<Page<T>>;
  readonly columns: readonly Column<T>[];
  readonly rowKey: (row: T) => string;
  /** Resource types whose events reload the page on screen. */
  readonly liveTypes: readonly string[];
  /** Changes when filters change: back to the first page. */
  readonly filterKey?: string;
  readonly pageSize?: number;
  readonly empty?: string;
}

// The cursor of the page on screen is kept in the hash (`cursor=`), so a deep link opens that page;
// earlier cursors are kept in memory for "Previous".
function cursorInHash(): string | undefined {
  const search = location.hash.split('?', 2)[1];
  return new URLSearchParams(search ?? '').get('cursor') ?? undefined;
}
function setCursorInHash(cursor: string | undefined): void {
  const [path, search] = location.hash.split('?', 2);
  const q = new URLSearchParams(search ?? '');
  if (cursor) q.set('cursor', cursor);
  else q.delete('cursor');
  const text = q.toString();
  history.replaceState(null, '', `${path}${text ? `?${text}` : ''}`);
}

/**
 * A table over a cursor-paginated list: one page in memory at a time, so 10 000+ rows cost what
 * 50 do; Previous/Next walk the cursors, and live events reload the page on screen.
 */
export function PagedTable<T>(props: PagedTableProps<T>) {
  const { pageSize = 50 } = props;
  const [trail, setTrail] = useState<(string | undefined)[]>(() => [cursorInHash()]);
  const [lastFilter, setLastFilter] = useState(props.filterKey);
  if (lastFilter !== props.filterKey) {
    setLastFilter(props.filterKey);
    setTrail([undefined]);
    setCursorInHash(undefined);
  }
  const cursor = trail[trail.length - 1];
  const page = useLoad(() => props.load(cursor, pageSize), [cursor, props.filterKey]);
  useLive(props.liveTypes, page.reload);
  const go = (next: (string | undefined)[]) => {
    setTrail(next);
    setCursorInHash(next[next.length - 1]);
  };
  const rows = page.data?.data ?? [];
  return (
    <div class="table-wrap">
      <ErrorBox error={page.error} />
      <table aria-label={props.label} aria-busy={page.loading}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" key={c.label}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={props.rowKey(row)}>
              {props.columns.map((c) => (
                <td key={c.label}>{c.render(row)}</td>
              ))}
            </tr>
          ))}
          {!page.loading && rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length} class="muted">
                {props.empty ?? 'Nothing here yet.'}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <nav class="pager" aria-label={`${props.label} pages`}>
        <button type="button" disabled={trail.length <= 1 && !cursor} onClick={() => go([undefined])}>
          First
        </button>
        <button type="button" disabled={trail.length <= 1} onClick={() => go(trail.slice(0, -1))}>
          Previous
        </button>
        <span class="muted">
          page {trail.length}
          {page.loading ? ' · loading…' : ''}
        </span>
        <button type="button" disabled={!page.data?.hasNextPage()} onClick={() => go([...trail, page.data?.nextCursor ?? undefined])}>
          Next
        </button>
      </nav>
    </div>
  );
}
