import type { CreateFtJobRequest, FtJob, FtJobEvent } from '@ftm/sdk';
import { useState } from 'preact/hooks';
import { useLive } from '../live.js';
import { href, navigate, type Route } from '../router.js';
import { api } from '../session.js';
import { ErrorBox, Facts, Loading, Panel, Status } from '../ui/bits.js';
import { ConfirmButton } from '../ui/confirm.js';
import { actionKey, errorText, num, shortId, usd, when } from '../ui/format.js';
import { LossChart, type LossPoint } from '../ui/loss-chart.js';
import { PagedTable } from '../ui/paged-table.js';
import { useLoad } from '../ui/use-load.js';

const FINAL = new Set(['completed', 'failed', 'canceled', 'blocked']);
/** Most timeline events read for one job (the chart and the timeline); the API pages beyond. */
const MAX_EVENTS = 2_000;

/** Fine-tuning jobs: the list (`#/jobs`), a new job (`#/jobs/new?dataset=ID`), one job (`#/jobs/ID`). */
export function FtJobsPage({ route }: { route: Route }) {
  const id = route.parts[1];
  if (id === 'new') return <NewJob datasetId={route.query.get('dataset') ?? ''} />;
  if (id) return <JobDetail id={id} />;
  return (
    <>
      <h1>Fine-tuning jobs</h1>
      <p>
        <a class="button" href={href(['jobs', 'new'])}>
          New job
        </a>
      </p>
      <PagedTable<FtJob>
        label="Fine-tuning jobs"
        liveTypes={['ft_job']}
        load={(cursor, limit) => api().ftJobs.list({ cursor, limit })}
        rowKey={(j) => j.id}
        columns={[
          { label: 'Job', render: (j) => <a href={href(['jobs', j.id])}>{j.suffix ?? shortId(j.id)}</a> },
          { label: 'Status', render: (j) => <Status value={j.status} /> },
          { label: 'Provider', render: (j) => j.provider },
          { label: 'Base model', render: (j) => j.base_model },
          { label: 'Estimate', render: (j) => usd(j.estimated_cost_usd) },
          { label: 'Actual', render: (j) => usd(j.actual_cost_usd) },
          { label: 'Created', render: (j) => when(j.created_at) },
        ]}
      />
    </>
  );
}

/** POST /ft-jobs from a dataset; a cost threshold below the estimate makes it wait for approval. */
function NewJob({ datasetId }: { datasetId: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const threshold = String(form.get('cost_threshold_usd') ?? '').trim();
    const suffix = String(form.get('suffix') ?? '').trim();
    const body: CreateFtJobRequest = {
      dataset_id: String(form.get('dataset_id')).trim(),
      base_model: String(form.get('base_model')).trim(),
      provider: String(form.get('provider')).trim(),
      ...(threshold !== '' ? { cost_threshold_usd: Number(threshold) } : {}),
      ...(suffix ? { suffix } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const job = await api().ftJobs.create(body, { idempotencyKey: actionKey('ft-job') });
      navigate(['jobs', job.id]);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>New fine-tuning job</h1>
      <form class="stack" onSubmit={submit} aria-label="New fine-tuning job">
        <label>
          Dataset id
          <input name="dataset_id" required value={datasetId} class="mono" />
        </label>
        <label>
          Base model
          <input name="base_model" required value="gpt-4o-mini-2024-07-18" />
        </label>
        <label>
          Provider
          <input name="provider" required value="simulated" />
        </label>
        <label>
          Suffix (optional)
          <input name="suffix" maxLength={40} />
        </label>
        <label>
          Cost threshold in USD (optional: above it the job waits for approval)
          <input name="cost_threshold_usd" type="number" min="0" step="any" />
        </label>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create job'}
        </button>
      </form>
    </>
  );
}

async function loadJob(id: string): Promise<{ job: FtJob; events: FtJobEvent[] }> {
  const ftm = api();
  const [job, events] = await Promise.all([ftm.ftJobs.get(id), collect(ftm.ftJobs.listEvents(id, { limit: 200 }), MAX_EVENTS)]);
  return { job, events };
}

async function collect<T>(items: AsyncIterable<T>, max: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

/** Loss per step from the provider's `metrics` events (OpenAI's and the simulated provider's shape). */
function lossPoints(events: readonly FtJobEvent[]): LossPoint[] {
  const byStep = new Map<number, LossPoint>();
  for (const e of events) {
    const d = e.data as { step?: unknown; train_loss?: unknown; valid_loss?: unknown; full_valid_loss?: unknown };
    if (e.type !== 'metrics' || typeof d.step !== 'number') continue;
    const valid = typeof d.valid_loss === 'number' ? d.valid_loss : typeof d.full_valid_loss === 'number' ? d.full_valid_loss : null;
    byStep.set(d.step, { step: d.step, train: typeof d.train_loss === 'number' ? d.train_loss : null, valid });
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function JobDetail({ id }: { id: string }) {
  const data = useLoad(() => loadJob(id), [id]);
  useLive([], data.reload, id);
  const job = data.data?.job;
  const events = data.data?.events ?? [];
  return (
    <>
      <p>
        <a href={href(['jobs'])}>← Fine-tuning jobs</a>
      </p>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !job} />
      {job ? (
        <>
          <h1>
            Job {job.suffix ?? shortId(job.id)} <Status value={job.status} />
          </h1>
          <Panel
            title="Job"
            actions={
              <ConfirmButton
                label="Cancel job"
                title="Cancel this fine-tuning job?"
                danger
                disabled={FINAL.has(job.status) || job.cancel_requested_at !== null}
                onConfirm={async () => {
                  await api().ftJobs.cancel(job.id, { idempotencyKey: actionKey('cancel') });
                  data.reload();
                }}
              >
                <p>
                  The job stops at the provider; the cost of the work already done is still billed. Status now: <Status value={job.status} />.
                </p>
              </ConfirmButton>
            }
          >
            <Facts
              items={[
                ['Id', <span class="mono">{job.id}</span>],
                ['Provider', `${job.provider}${job.simulated ? ' (simulated)' : ''}`],
                ['Method', job.method],
                ['Base model', job.base_model],
                ['Dataset', <a href={href(['datasets', job.dataset_id])}>{shortId(job.dataset_id)}</a>],
                ['Estimated tokens', num(job.estimated_tokens)],
                ['Trained tokens', num(job.trained_tokens)],
                ['Cost estimate', usd(job.estimated_cost_usd)],
                ['Actual cost', usd(job.actual_cost_usd)],
                ['Approval', job.approval_id ? <a href={href(['approvals'], { id: job.approval_id })}>{shortId(job.approval_id)}</a> : 'none'],
                ['Fine-tuned model', <span class="mono">{job.fine_tuned_model ?? '—'}</span>],
                ['Model version', job.model_version_id ? <a href={href(['models', 'versions', job.model_version_id])}>{shortId(job.model_version_id)}</a> : '—'],
                ['Created', when(job.created_at)],
                ['Finished', when(job.finished_at)],
              ]}
            />
            {job.error ? (
              <p class="error">
                {job.error.code}: {job.error.message}
              </p>
            ) : null}
            <h3>Gates</h3>
            <ul class="plain">
              {job.gates.map((g) => (
                <li key={g.gate}>
                  <Status value={g.verdict} /> <span class="mono">{g.gate}</span> {g.reason ?? ''}
                </li>
              ))}
            </ul>
          </Panel>
          <Panel title="Training loss">
            <LossChart points={lossPoints(events)} />
          </Panel>
          <Panel title="Timeline">
            <ol class="timeline" aria-label="Job timeline">
              {events.map((e) => (
                <li key={e.id}>
                  <span class="muted">{when(e.created_at)}</span> · <span class="mono">{e.source}</span> · <span class="mono">{e.type}</span> {e.level !== 'info' ? <Status value={e.level} /> : null} —{' '}
                  {e.message}
                </li>
              ))}
            </ol>
          </Panel>
        </>
      ) : null}
    </>
  );
}
