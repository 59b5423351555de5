import type { WebhookDelivery, WebhookEndpoint } from '@ftm/sdk';
import { useState } from 'preact/hooks';
import { useLive } from '../live.js';
import { href, navigate, type Route } from '../router.js';
import { api } from '../session.js';
import { ErrorBox, Facts, Loading, Panel, Status } from '../ui/bits.js';
import { ConfirmButton } from '../ui/confirm.js';
import { actionKey, errorText, shortId, when } from '../ui/format.js';
import { PagedTable } from '../ui/paged-table.js';
import { useLoad } from '../ui/use-load.js';

const DELIVERY_STATUSES = ['all', 'pending', 'delivering', 'succeeded', 'failed', 'dead_letter'] as const;

/** A secret shown once, as text, right after it was made (create, rotate). */
function NewSecret({ secret }: { secret: string | null }) {
  if (!secret) return null;
  return (
    <p class="panel" role="status">
      New signing secret (shown once, copy it now): <code class="mono">{secret}</code>
    </p>
  );
}

/** Webhooks: endpoints and all deliveries (`#/webhooks`), one endpoint with its deliveries (`#/webhooks/ID`). */
export function WebhooksPage({ route }: { route: Route }) {
  const id = route.parts[1];
  const status = route.query.get('status') ?? 'all';
  if (id) return <EndpointDetail id={id} status={status} />;
  return (
    <>
      <h1>Webhooks</h1>
      <NewEndpoint />
      <Panel title="Endpoints">
        <PagedTable<WebhookEndpoint>
          label="Webhook endpoints"
          liveTypes={['webhook_endpoint']}
          load={(cursor, limit) => api().webhookEndpoints.list({ cursor, limit })}
          rowKey={(e) => e.id}
          columns={[
            { label: 'URL', render: (e) => <a href={href(['webhooks', e.id])}>{e.url}</a> },
            { label: 'Enabled', render: (e) => (e.enabled ? 'yes' : <Status value="disabled" />) },
            { label: 'Events', render: (e) => (e.event_types.length ? e.event_types.join(', ') : 'all') },
            { label: 'Description', render: (e) => e.description ?? '' },
          ]}
        />
      </Panel>
      <Panel title="Deliveries">
        <Deliveries status={status} path={['webhooks']} />
      </Panel>
    </>
  );
}

function NewEndpoint() {
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const description = String(form.get('description') ?? '').trim();
    setError(null);
    try {
      const created = await api().webhookEndpoints.create({ url: String(form.get('url')).trim(), ...(description ? { description } : {}) }, { idempotencyKey: actionKey('endpoint') });
      setSecret(created.secret);
      (e.target as HTMLFormElement).reset();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <Panel title="Add an endpoint">
      <form class="toolbar" onSubmit={submit} aria-label="Add an endpoint">
        <label>
          URL
          <input name="url" type="url" required placeholder="https://example.com/ftm-webhooks" />
        </label>
        <label>
          Description
          <input name="description" maxLength={500} />
        </label>
        <button type="submit">Add endpoint</button>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <NewSecret secret={secret} />
    </Panel>
  );
}

function Attempts({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.attempts.length === 0) return <span class="muted">none yet</span>;
  return (
    <details>
      <summary>
        {delivery.attempt_count} attempt{delivery.attempt_count === 1 ? '' : 's'}, last {delivery.last_status_code ?? delivery.last_error ?? '—'}
      </summary>
      <ol>
        {delivery.attempts.map((a) => (
          <li key={a.attempt}>
            {when(a.started_at)}: {a.status_code ?? a.error ?? '—'}
            {a.latency_ms !== null ? ` in ${Math.round(a.latency_ms)} ms` : ''}
            {a.response_excerpt ? <pre class="json">{a.response_excerpt}</pre> : null}
          </li>
        ))}
      </ol>
    </details>
  );
}

function Deliveries({ status, path, endpointId }: { status: string; path: string[]; endpointId?: string }) {
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const redeliver = async (d: WebhookDelivery) => {
    setMessage(null);
    try {
      const again = await api().webhookDeliveries.redeliver(d.id, { idempotencyKey: actionKey('redeliver') });
      setMessage(`Redelivery ${shortId(again.id)} queued.`);
      setVersion((v) => v + 1);
    } catch (err) {
      setMessage(errorText(err));
    }
  };
  return (
    <>
      <div class="filters">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => navigate(path, { status: (e.target as HTMLSelectElement).value })}>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      {message ? <p role="status">{message}</p> : null}
      <PagedTable<WebhookDelivery>
        label="Webhook deliveries"
        liveTypes={['webhook_delivery', 'webhook']}
        filterKey={`${status}|${endpointId ?? ''}|${version}`}
        load={(cursor, limit) =>
          api().webhookDeliveries.list({ cursor, limit, ...(endpointId ? { endpoint_id: endpointId } : {}), ...(status !== 'all' ? { status: status as WebhookDelivery['status'] } : {}) })
        }
        rowKey={(d) => d.id}
        columns={[
          { label: 'Delivery', render: (d) => <span class="mono">{shortId(d.id)}</span> },
          { label: 'Event', render: (d) => d.event_type },
          { label: 'Status', render: (d) => <Status value={d.status} /> },
          { label: 'Attempts', render: (d) => <Attempts delivery={d} /> },
          { label: 'Created', render: (d) => when(d.created_at) },
          {
            label: 'Action',
            render: (d) => (
              <button type="button" onClick={() => void redeliver(d)} aria-label={`Redeliver ${d.event_type} ${shortId(d.id)}`}>
                Redeliver
              </button>
            ),
          },
        ]}
      />
    </>
  );
}

function EndpointDetail({ id, status }: { id: string; status: string }) {
  const data = useLoad(() => api().webhookEndpoints.get(id), [id]);
  useLive([], data.reload, id);
  const [secret, setSecret] = useState<string | null>(null);
  const [replayed, setReplayed] = useState<string | null>(null);
  const [since, setSince] = useState(() => new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 16));
  const e = data.data;
  return (
    <>
      <p>
        <a href={href(['webhooks'])}>← Webhooks</a>
      </p>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !e} />
      {e ? (
        <>
          <h1>Endpoint {e.url}</h1>
          <Panel
            title="Endpoint"
            actions={
              <ConfirmButton
                label="Rotate secret"
                title="Rotate this endpoint's signing secret?"
                onConfirm={async () => {
                  const rotated = await api().webhookEndpoints.rotateSecret(e.id, { overlap_seconds: 86_400 }, { idempotencyKey: actionKey('rotate') });
                  setSecret(rotated.secret);
                  data.reload();
                }}
              >
                <p>
                  A new secret signs every delivery from now on; the current one keeps signing beside it for 24 hours so the receiver can switch without missing a delivery. The new secret is shown
                  once.
                </p>
              </ConfirmButton>
            }
          >
            <NewSecret secret={secret} />
            <Facts
              items={[
                ['Id', <span class="mono">{e.id}</span>],
                ['Enabled', e.enabled ? 'yes' : `no (${e.disabled_reason ?? 'disabled'})`],
                ['Events', e.event_types.length ? e.event_types.join(', ') : 'all'],
                ['Secret', e.secret_source],
                ['Previous secret expires', when(e.previous_secret_expires_at)],
                ['Created', when(e.created_at)],
              ]}
            />
          </Panel>
          <Panel title="Replay dead letters">
            <div class="toolbar">
              <label>
                Dead-lettered since
                <input type="datetime-local" value={since} onInput={(ev) => setSince((ev.target as HTMLInputElement).value)} />
              </label>
              <ConfirmButton
                label="Replay dead letters"
                title="Replay this endpoint's dead letters?"
                onConfirm={async () => {
                  const r = await api().webhookDeliveries.replay({ since: new Date(since).toISOString(), endpoint_id: e.id }, { idempotencyKey: actionKey('replay') });
                  setReplayed(`${r.replayed} dead-letter deliveries requeued.`);
                }}
              >
                <p>
                  Every delivery to {e.url} that became a dead letter since {since.replace('T', ' ')} is queued again.
                </p>
              </ConfirmButton>
              {replayed ? <span role="status">{replayed}</span> : null}
            </div>
          </Panel>
          <Panel title="Deliveries">
            <Deliveries status={status} path={['webhooks', e.id]} endpointId={e.id} />
          </Panel>
        </>
      ) : null}
    </>
  );
}
