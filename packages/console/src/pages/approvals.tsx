import type { Approval } from '@ftm/sdk';
import { useState } from 'preact/hooks';
import { href, navigate, type Route } from '../router.js';
import { api } from '../session.js';
import { Status } from '../ui/bits.js';
import { ConfirmButton } from '../ui/confirm.js';
import { actionKey, shortId, usd, when } from '../ui/format.js';
import { PagedTable } from '../ui/paged-table.js';

const STATUSES = ['pending', 'approved', 'rejected', ''] as const;

function resourceLink(a: Approval) {
  const path = a.resource_type === 'ft_job' ? ['jobs', a.resource_id] : ['models', 'promotions', a.resource_id];
  return (
    <a href={href(path)}>
      {a.resource_type} {shortId(a.resource_id)}
    </a>
  );
}

function Decide({ approval, onDone }: { approval: Approval; onDone: () => void }) {
  if (approval.status !== 'pending') return <span class="muted">{approval.decision_notes ?? ''}</span>;
  const what = (
    <p>
      {approval.kind === 'ft_job' ? 'Fine-tuning job' : 'Promotion'} {resourceLink(approval)}, estimated {usd(approval.estimated_cost_usd)}. {approval.reason ?? ''}
    </p>
  );
  return (
    <div class="actions">
      <ConfirmButton
        label="Approve"
        title="Approve this request?"
        reason="optional"
        onConfirm={async (notes) => {
          await api().approvals.approve(approval.id, notes ? { notes } : {}, { idempotencyKey: actionKey('approve') });
          onDone();
        }}
      >
        {what}
      </ConfirmButton>
      <ConfirmButton
        label="Reject"
        title="Reject this request?"
        reason="optional"
        danger
        onConfirm={async (notes) => {
          await api().approvals.reject(approval.id, notes ? { notes } : {}, { idempotencyKey: actionKey('reject') });
          onDone();
        }}
      >
        {what}
      </ConfirmButton>
    </div>
  );
}

/** Approvals inbox (`#/approvals?status=pending`): cost approvals of jobs and promotions, decided here. */
export function ApprovalsPage({ route }: { route: Route }) {
  const status = route.query.get('status') ?? 'pending';
  // Bumped after a decision: the table reloads at once (the live event would also do it).
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  return (
    <>
      <h1>Approvals</h1>
      <div class="filters">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => navigate(['approvals'], { status: (e.target as HTMLSelectElement).value || 'all' })}>
            {STATUSES.map((s) => (
              <option key={s} value={s || 'all'}>
                {s || 'all'}
              </option>
            ))}
          </select>
        </label>
      </div>
      <PagedTable<Approval>
        label="Approvals"
        liveTypes={['approval', 'ft_job', 'promotion']}
        filterKey={`${status}|${version}`}
        load={(cursor, limit) => api().approvals.list({ cursor, limit, ...(status !== 'all' ? { status: status as Approval['status'] } : {}) })}
        rowKey={(a) => a.id}
        empty={status === 'pending' ? 'Nothing waits for a decision.' : 'No approvals.'}
        columns={[
          { label: 'Request', render: (a) => resourceLink(a) },
          { label: 'Status', render: (a) => <Status value={a.status} /> },
          { label: 'Estimated cost', render: (a) => usd(a.estimated_cost_usd) },
          { label: 'Reason', render: (a) => a.reason ?? '—' },
          { label: 'Requested', render: (a) => `${when(a.created_at)} by ${a.requested_by}` },
          { label: 'Decision', render: (a) => <Decide approval={a} onDone={reload} /> },
        ]}
      />
    </>
  );
}
