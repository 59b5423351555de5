import type { AuditEvent } from '@ftm/sdk';
import { href, navigate, type Route } from '../router.js';
import { api } from '../session.js';
import { Json } from '../ui/bits.js';
import { shortId, when } from '../ui/format.js';
import { PagedTable } from '../ui/paged-table.js';

const FILTERS = [
  ['action', 'Action', 'e.g. pointer.override'],
  ['resource_type', 'Resource type', 'e.g. production_pointer'],
  ['resource_id', 'Resource id', ''],
  ['actor_id', 'Actor id', 'API key id'],
  ['since', 'Since', ''],
  ['until', 'Until', ''],
] as const;

type FilterKey = (typeof FILTERS)[number][0];

/** Audit log (`#/audit?action=…&since=…`): filters live in the URL, so a filtered view is a link. */
export function AuditPage({ route }: { route: Route }) {
  const filters = Object.fromEntries(FILTERS.map(([key]) => [key, route.query.get(key) ?? ''])) as Record<FilterKey, string>;
  const apply = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const next: Record<string, string> = {};
    for (const [key] of FILTERS) {
      const value = String(form.get(key) ?? '').trim();
      if (value) next[key] = key === 'since' || key === 'until' ? new Date(value).toISOString() : value;
    }
    navigate(['audit'], next);
  };
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  return (
    <>
      <h1>Audit log</h1>
      <form class="filters" onSubmit={apply} aria-label="Audit filters">
        {FILTERS.map(([key, label, placeholder]) => (
          <label key={key}>
            {label}
            {key === 'since' || key === 'until' ? (
              <input name={key} type="datetime-local" value={filters[key].slice(0, 16)} />
            ) : (
              <input name={key} type="text" value={filters[key]} placeholder={placeholder} />
            )}
          </label>
        ))}
        <button type="submit">Filter</button>
        <a href={href(['audit'])}>Clear</a>
      </form>
      <PagedTable<AuditEvent>
        label="Audit events"
        liveTypes={[]}
        filterKey={JSON.stringify(query)}
        load={(cursor, limit) => api().auditEvents.list({ cursor, limit, ...query })}
        rowKey={(a) => a.id}
        columns={[
          { label: 'When', render: (a) => when(a.occurred_at) },
          { label: 'Action', render: (a) => <span class="mono">{a.action}</span> },
          { label: 'Actor', render: (a) => `${a.actor.type} ${a.actor.id}` },
          { label: 'Resource', render: (a) => `${a.resource_type} ${shortId(a.resource_id)}` },
          { label: 'Summary', render: (a) => a.summary },
          {
            label: 'Details',
            render: (a) => (
              <details>
                <summary>details</summary>
                <Json value={{ request_id: a.request_id, details: a.details }} />
              </details>
            ),
          },
        ]}
      />
    </>
  );
}
