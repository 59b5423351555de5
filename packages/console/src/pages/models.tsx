import type { CreatePromotionRequest, ModelVersion, PointerHistoryEntry, ProductionPointer, Promotion } from '@ftm/sdk';
import { useState } from 'preact/hooks';
import { useLive } from '../live.js';
import { href, navigate, type Route } from '../router.js';
import { api } from '../session.js';
import { ErrorBox, Facts, Json, Loading, Panel, Status } from '../ui/bits.js';
import { ConfirmButton } from '../ui/confirm.js';
import { actionKey, errorText, num, shortId, usd, when } from '../ui/format.js';
import { PagedTable } from '../ui/paged-table.js';
import { retirementText } from '../ui/retirement.js';
import { useLoad } from '../ui/use-load.js';

const TABS = [
  ['versions', 'Model versions'],
  ['pointers', 'Production pointers'],
  ['promotions', 'Promotions'],
] as const;

/** Models and pointers: `#/models/{versions|pointers|promotions}[/ID]`. */
export function ModelsPage({ route }: { route: Route }) {
  const tab = route.parts[1] ?? 'versions';
  const id = route.parts[2];
  if (tab === 'versions' && id) return <VersionDetail id={id} />;
  if (tab === 'pointers' && id) return <PointerDetail id={id} />;
  if (tab === 'promotions' && id) return <PromotionDetail id={id} />;
  return (
    <>
      <h1>Models and pointers</h1>
      <nav class="toolbar" aria-label="Model views">
        {TABS.map(([key, title]) => (
          <a key={key} href={href(['models', key])} aria-current={tab === key ? 'page' : undefined} class={tab === key ? 'button' : ''}>
            {title}
          </a>
        ))}
      </nav>
      {tab === 'pointers' ? <PointerList /> : tab === 'promotions' ? <PromotionList /> : <VersionList />}
    </>
  );
}

function VersionList() {
  return (
    <PagedTable<ModelVersion>
      label="Model versions"
      liveTypes={['model_version']}
      load={(cursor, limit) => api().modelVersions.list({ cursor, limit })}
      rowKey={(v) => v.id}
      columns={[
        { label: 'Name', render: (v) => <a href={href(['models', 'versions', v.id])}>{v.name}</a> },
        { label: 'Status', render: (v) => <Status value={v.status} /> },
        { label: 'Provider model', render: (v) => <span class="mono">{v.provider_model_id}</span> },
        { label: 'Base model', render: (v) => v.base_model },
        { label: 'Latest eval', render: (v) => latestEval(v) },
        { label: 'Created', render: (v) => when(v.created_at) },
      ]}
    />
  );
}

function latestEval(v: ModelVersion): string {
  const entries = Object.values(v.eval_summary ?? {}).sort((a, b) => b.completed_at.localeCompare(a.completed_at));
  return entries[0] ? num(entries[0].score, 3) : '—';
}

function PointerList() {
  return (
    <PagedTable<ProductionPointer>
      label="Production pointers"
      liveTypes={['production_pointer', 'promotion', 'model']}
      load={(cursor, limit) => api().productionPointers.list({ cursor, limit })}
      rowKey={(p) => p.id}
      columns={[
        { label: 'Target', render: (p) => <a href={href(['models', 'pointers', p.id])}>{`${p.target.type}: ${p.target.value}`}</a> },
        { label: 'Model version', render: (p) => <a href={href(['models', 'versions', p.model_version_id])}>{shortId(p.model_version_id)}</a> },
        { label: 'Provider model', render: (p) => <span class="mono">{p.provider_model_id}</span> },
        { label: 'Version', render: (p) => p.version },
        { label: 'Updated', render: (p) => when(p.updated_at) },
      ]}
    />
  );
}

function Gates({ promotion }: { promotion: Promotion }) {
  return (
    <ul class="plain" aria-label="Gate verdicts">
      {promotion.gates.map((g) => (
        <li key={g.gate}>
          <Status value={g.verdict} /> <span class="mono">{g.gate}</span> {g.reason ?? ''}
        </li>
      ))}
    </ul>
  );
}

function PromotionList() {
  return (
    <PagedTable<Promotion>
      label="Promotions"
      liveTypes={['promotion', 'model']}
      load={(cursor, limit) => api().promotions.list({ cursor, limit })}
      rowKey={(p) => p.id}
      columns={[
        { label: 'Promotion', render: (p) => <a href={href(['models', 'promotions', p.id])}>{shortId(p.id)}</a> },
        { label: 'Decision', render: (p) => <Status value={p.rolled_back_at ? 'rolled back' : p.decision} /> },
        { label: 'Target', render: (p) => `${p.target.type}: ${p.target.value}` },
        { label: 'Model version', render: (p) => <a href={href(['models', 'versions', p.model_version_id])}>{shortId(p.model_version_id)}</a> },
        { label: 'Gates', render: (p) => <Gates promotion={p} /> },
        { label: 'Created', render: (p) => when(p.created_at) },
      ]}
    />
  );
}

/** POST /promotions: the gates decide; the answer (with each gate's verdict) is shown. */
function PromoteForm({ version }: { version: ModelVersion }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const notes = String(form.get('notes') ?? '').trim();
    const type = String(form.get('target_type')) as CreatePromotionRequest['target']['type'];
    const body: CreatePromotionRequest = {
      model_version_id: version.id,
      target: { type, value: type === 'global' ? '*' : String(form.get('target_value')).trim() },
      min_eval_score: Number(form.get('min_eval_score')),
      ...(notes ? { notes } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const promotion = await api().promotions.create(body, { idempotencyKey: actionKey('promote') });
      navigate(['models', 'promotions', promotion.id]);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack" onSubmit={submit} aria-label="Promote">
      <div class="toolbar">
        <label>
          Target type
          <select name="target_type">
            <option value="assistant">assistant</option>
            <option value="project">project</option>
            <option value="global">global</option>
          </select>
        </label>
        <label>
          Target
          <input name="target_value" placeholder="assistant id or project id" />
        </label>
        <label>
          Minimum eval score
          <input name="min_eval_score" type="number" min="0" max="1" step="0.01" value="0.8" required />
        </label>
      </div>
      <label>
        Notes
        <input name="notes" maxLength={2000} />
      </label>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Promoting…' : 'Promote'}
      </button>
    </form>
  );
}

function VersionDetail({ id }: { id: string }) {
  const data = useLoad(() => api().modelVersions.get(id), [id]);
  useLive([], data.reload, id);
  const v = data.data;
  return (
    <>
      <p>
        <a href={href(['models', 'versions'])}>← Model versions</a>
      </p>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !v} />
      {v ? (
        <>
          <h1>
            {v.name} <Status value={v.status} />
          </h1>
          <Panel title="Model version">
            <Facts
              items={[
                ['Id', <span class="mono">{v.id}</span>],
                ['Provider', v.provider],
                ['Provider model', <span class="mono">{v.provider_model_id}</span>],
                ['Base model', v.base_model],
                ['Job', v.ft_job_id ? <a href={href(['jobs', v.ft_job_id])}>{shortId(v.ft_job_id)}</a> : '—'],
                ['Dataset', v.dataset_id ? <a href={href(['datasets', v.dataset_id])}>{shortId(v.dataset_id)}</a> : '—'],
                ['Cost estimate / actual', `${usd(v.estimated_cost_usd)} / ${usd(v.actual_cost_usd)}`],
                ['Created', when(v.created_at)],
              ]}
            />
            {v.retirement ? <p class="warn">⚠ {retirementText(v.retirement)}</p> : null}
            <h3>Latest eval per suite</h3>
            <ul class="plain">
              {Object.entries(v.eval_summary ?? {}).map(([suite, e]) => (
                <li key={suite}>
                  <a href={href(['evals', e.eval_run_id])}>run {shortId(e.eval_run_id)}</a>: score {num(e.score, 3)} ({when(e.completed_at)})
                </li>
              ))}
            </ul>
          </Panel>
          <Panel title="Promote to a production pointer">
            <PromoteForm version={v} />
          </Panel>
        </>
      ) : null}
    </>
  );
}

async function loadPointer(id: string) {
  const ftm = api();
  const [pointer, history] = await Promise.all([ftm.productionPointers.get(id), ftm.productionPointers.history(id, { limit: 100 })]);
  return { pointer, history: history.data };
}

/** The promotion a rollback would undo: the newest promotion in the history not rolled back since. */
function lastPromotion(history: readonly PointerHistoryEntry[]): string | null {
  const newest = [...history].sort((a, b) => b.seq - a.seq)[0];
  return newest?.cause === 'promotion' && newest.promotion_id ? newest.promotion_id : null;
}

function PointerDetail({ id }: { id: string }) {
  const data = useLoad(() => loadPointer(id), [id]);
  useLive(['production_pointer', 'model'], data.reload);
  const [override, setOverride] = useState('');
  const p = data.data?.pointer;
  const history = [...(data.data?.history ?? [])].sort((a, b) => b.seq - a.seq);
  const promotionId = lastPromotion(history);
  return (
    <>
      <p>
        <a href={href(['models', 'pointers'])}>← Production pointers</a>
      </p>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !p} />
      {p ? (
        <>
          <h1>
            Pointer {p.target.type}: {p.target.value}
          </h1>
          <Panel
            title="Pointer"
            actions={
              promotionId ? (
                <ConfirmButton
                  label="Roll back"
                  title="Roll back the last promotion?"
                  reason="required"
                  danger
                  onConfirm={async (notes) => {
                    await api().promotions.rollback(promotionId, { notes }, { idempotencyKey: actionKey('rollback') });
                    data.reload();
                  }}
                >
                  <p>
                    Undoes promotion <span class="mono">{shortId(promotionId)}</span>: the pointer goes back from model version <span class="mono">{shortId(p.model_version_id)}</span> to the version
                    it served before. Apps resolving {p.target.type} {p.target.value} get the previous model at once.
                  </p>
                </ConfirmButton>
              ) : null
            }
          >
            <Facts
              items={[
                ['Model version', <a href={href(['models', 'versions', p.model_version_id])}>{shortId(p.model_version_id)}</a>],
                ['Provider model', <span class="mono">{p.provider_model_id}</span>],
                ['Provider', p.provider],
                ['Pointer version', p.version],
                ['Updated', `${when(p.updated_at)} by ${p.updated_by}`],
              ]}
            />
            {p.retirement ? <p class="warn">⚠ {retirementText(p.retirement)}</p> : null}
          </Panel>
          <Panel title="Emergency override">
            <div class="toolbar">
              <label>
                Model version id to serve
                <input name="override_version" class="mono" value={override} onInput={(e) => setOverride((e.target as HTMLInputElement).value.trim())} />
              </label>
              <ConfirmButton
                label="Override"
                title="Override the production pointer?"
                reason="required"
                danger
                disabled={override === '' || override === p.model_version_id}
                onConfirm={async (notes) => {
                  await api().productionPointers.override(p.id, { model_version_id: override, notes }, { idempotencyKey: actionKey('override') });
                  setOverride('');
                  data.reload();
                }}
              >
                <p>
                  {p.target.type} {p.target.value} will serve model version <span class="mono">{override}</span> instead of <span class="mono">{p.model_version_id}</span>, skipping the promotion
                  gates. The change is audited, kept in the pointer history with your reason, and a regression eval is scheduled. Admins only.
                </p>
              </ConfirmButton>
            </div>
          </Panel>
          <Panel title="History">
            <ol class="timeline" aria-label="Pointer history">
              {history.map((h) => (
                <li key={h.id}>
                  <span class="muted">{when(h.created_at)}</span> · <Status value={h.cause} /> {h.from_model_version_id ? shortId(h.from_model_version_id) : 'none'} → {shortId(h.to_model_version_id)}{' '}
                  by <span class="mono">{h.actor}</span>
                  {h.notes ? <> — “{h.notes}”</> : null}
                  {h.promotion_id ? (
                    <>
                      {' '}
                      (<a href={href(['models', 'promotions', h.promotion_id])}>promotion</a>)
                    </>
                  ) : null}
                </li>
              ))}
            </ol>
          </Panel>
        </>
      ) : null}
    </>
  );
}

function PromotionDetail({ id }: { id: string }) {
  const data = useLoad(() => api().promotions.get(id), [id]);
  useLive([], data.reload, id);
  const p = data.data;
  return (
    <>
      <p>
        <a href={href(['models', 'promotions'])}>← Promotions</a>
      </p>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !p} />
      {p ? (
        <>
          <h1>
            Promotion {shortId(p.id)} <Status value={p.rolled_back_at ? 'rolled back' : p.decision} />
          </h1>
          <Panel
            title="Promotion"
            actions={
              p.decision === 'promoted' && !p.rolled_back_at ? (
                <ConfirmButton
                  label="Roll back"
                  title="Roll back this promotion?"
                  reason="required"
                  danger
                  onConfirm={async (notes) => {
                    await api().promotions.rollback(p.id, { notes }, { idempotencyKey: actionKey('rollback') });
                    data.reload();
                  }}
                >
                  <p>
                    {p.target.type} {p.target.value} goes back from <span class="mono">{shortId(p.model_version_id)}</span> to{' '}
                    <span class="mono">{p.previous_model_version_id ? shortId(p.previous_model_version_id) : 'no model'}</span>.
                  </p>
                </ConfirmButton>
              ) : null
            }
          >
            <Facts
              items={[
                ['Target', `${p.target.type}: ${p.target.value}`],
                ['Model version', <a href={href(['models', 'versions', p.model_version_id])}>{shortId(p.model_version_id)}</a>],
                ['Previous version', p.previous_model_version_id ? <a href={href(['models', 'versions', p.previous_model_version_id])}>{shortId(p.previous_model_version_id)}</a> : '—'],
                ['Pointer', p.pointer_id ? <a href={href(['models', 'pointers', p.pointer_id])}>{shortId(p.pointer_id)}</a> : '—'],
                ['Minimum eval score', p.min_eval_score],
                ['Approval', p.approval_id ? <a href={href(['approvals'], { status: 'all' })}>{shortId(p.approval_id)}</a> : 'none'],
                ['Decided', when(p.decided_at)],
                ['Rolled back', p.rolled_back_at ? `${when(p.rolled_back_at)} by ${p.rolled_back_by ?? '?'}` : '—'],
              ]}
            />
            {p.notes ? <p>Notes: {p.notes}</p> : null}
            <h3>Gate verdicts</h3>
            <Gates promotion={p} />
            {p.baseline ? (
              <details>
                <summary>Baseline comparison</summary>
                <Json value={p.baseline} label="Baseline comparison" />
              </details>
            ) : null}
          </Panel>
        </>
      ) : null}
    </>
  );
}
