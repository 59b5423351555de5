import type { CreateDatasetRequest, Dataset, DatasetReport } from '@ftm/sdk';
import { useState } from 'preact/hooks';
import { useLive } from '../live.js';
import { href, navigate, type Route } from '../router.js';
import { api } from '../session.js';
import { ErrorBox, Facts, Json, Loading, Panel, Status } from '../ui/bits.js';
import { actionKey, errorText, num, shortId, when } from '../ui/format.js';
import { Histogram } from '../ui/histogram.js';
import { PagedTable } from '../ui/paged-table.js';
import { RecordViewer } from '../ui/record-viewer.js';
import { useLoad } from '../ui/use-load.js';

/** Datasets: the list (`#/datasets`), a new inline dataset (`#/datasets/new`), one dataset (`#/datasets/ID`). */
export function DatasetsPage({ route }: { route: Route }) {
  const id = route.parts[1];
  if (id === 'new') return <NewDataset />;
  if (id) return <DatasetDetail id={id} />;
  return (
    <>
      <h1>Datasets</h1>
      <p>
        <a class="button" href={href(['datasets', 'new'])}>
          New dataset
        </a>
      </p>
      <PagedTable<Dataset>
        label="Datasets"
        liveTypes={['dataset']}
        load={(cursor, limit) => api().datasets.list({ cursor, limit })}
        rowKey={(d) => d.id}
        columns={[
          { label: 'Name', render: (d) => <a href={href(['datasets', d.id])}>{d.name}</a> },
          { label: 'Version', render: (d) => d.version },
          { label: 'Status', render: (d) => <Status value={d.status} /> },
          { label: 'Format', render: (d) => d.format },
          { label: 'Records', render: (d) => num(d.record_count) },
          { label: 'Tokens', render: (d) => num(d.token_estimate) },
          { label: 'Created', render: (d) => when(d.created_at) },
        ]}
      />
    </>
  );
}

const FORMATS = ['jsonl_chat', 'jsonl_prompt_completion', 'jsonl_preference'] as const;

/** Builds a dataset from records pasted as JSONL (the `inline` source of POST /datasets). */
function NewDataset() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const text = String(form.get('records') ?? '');
    let records: unknown[];
    try {
      records = text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l, i) => {
          try {
            return JSON.parse(l) as unknown;
          } catch {
            throw new Error(`line ${i + 1} is not JSON`);
          }
        });
    } catch (err) {
      return setError(errorText(err));
    }
    if (records.length === 0) return setError('Paste at least one record, one JSON object per line.');
    const split = Number(form.get('validation_split') ?? 0);
    const body: CreateDatasetRequest = {
      name: String(form.get('name')),
      format: String(form.get('format')) as CreateDatasetRequest['format'],
      base_model: String(form.get('base_model')),
      source: { type: 'inline', records },
      ...(split > 0 ? { validation_split: split } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const created = await api().datasets.create(body, { idempotencyKey: actionKey('dataset') });
      navigate(['datasets', created.id]);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>New dataset</h1>
      <form class="stack" onSubmit={submit} aria-label="New dataset">
        <label>
          Name
          <input name="name" required maxLength={200} />
        </label>
        <label>
          Format
          <select name="format">
            {FORMATS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <label>
          Base model
          <input name="base_model" required value="gpt-4o-mini-2024-07-18" />
        </label>
        <label>
          Validation split (0 to 0.5)
          <input name="validation_split" type="number" min="0" max="0.5" step="0.05" value="0" />
        </label>
        <label>
          Records (JSONL: one JSON object per line)
          <textarea name="records" rows={10} required class="mono" />
        </label>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Build dataset'}
        </button>
      </form>
    </>
  );
}

function Report({ report }: { report: DatasetReport }) {
  const findings = Object.entries(report.sanitization.findings);
  const invalid = Object.entries(report.validation.by_reason);
  return (
    <>
      <Panel title="Build report">
        <Facts
          items={[
            ['Records read', num(report.records_read)],
            ['Records written', num(report.records_written)],
            ['Records dropped', num(report.records_dropped)],
            ['Invalid', num(report.validation.invalid)],
            ['Exact duplicates removed', num(report.dedup.exact_removed)],
            ['Near duplicates removed', `${num(report.dedup.near_removed)}${report.dedup.near_threshold !== null ? ` (threshold ${report.dedup.near_threshold})` : ''}`],
            ['Sanitizer', `${report.sanitization.sanitizer} · policy ${report.sanitization.policy}`],
            ['Records with PII findings', num(report.sanitization.records_with_findings)],
            ['Split', `${num(report.split.train_records)} train / ${num(report.split.validation_records)} validation (${report.split.validation_split})`],
          ]}
        />
        <h3>Invalid records by reason</h3>
        {invalid.length === 0 ? <p class="muted">None.</p> : null}
        <ul class="plain">
          {invalid.map(([reason, v]) => (
            <li key={reason}>
              <span class="mono">{reason}</span>: {v.count} (lines {v.sample_lines.join(', ')})
            </li>
          ))}
        </ul>
        <h3>PII findings by type</h3>
        {findings.length === 0 ? <p class="muted">None.</p> : null}
        <ul class="plain">
          {findings.map(([type, count]) => (
            <li key={type}>
              <span class="mono">{type}</span>: {count}
            </li>
          ))}
        </ul>
      </Panel>
      <Panel title="Tokens">
        <Facts
          items={[
            ['Encoding', report.tokens.encoding],
            ['Examples', num(report.tokens.examples)],
            ['Total tokens', num(report.tokens.total_tokens)],
            ['Min / mean / p95 / max', `${report.tokens.min} / ${num(report.tokens.mean, 1)} / ${report.tokens.p95} / ${report.tokens.max}`],
            ['Over the per-example limit', `${report.tokens.examples_over_limit} (limit ${num(report.tokens.max_tokens_per_example)})`],
            ['Billed per epoch', num(report.tokens.token_estimate)],
          ]}
        />
        <Histogram buckets={report.tokens.histogram ?? []} label="Examples per token count" />
      </Panel>
    </>
  );
}

function DatasetDetail({ id }: { id: string }) {
  const data = useLoad(() => api().datasets.get(id), [id]);
  useLive([], data.reload, id);
  const [actionError, setActionError] = useState<unknown>(null);
  const d = data.data;
  const rebuild = async () => {
    setActionError(null);
    try {
      const next = await api().datasets.rebuild(id, { idempotencyKey: actionKey('rebuild') });
      navigate(['datasets', next.id]);
    } catch (err) {
      setActionError(err);
    }
  };
  return (
    <>
      <p>
        <a href={href(['datasets'])}>← Datasets</a>
      </p>
      <ErrorBox error={data.error} />
      <ErrorBox error={actionError} />
      <Loading when={data.loading && !d} />
      {d ? (
        <>
          <h1>
            {d.name} <Status value={d.status} />
          </h1>
          <Panel
            title="Dataset"
            actions={
              <>
                {d.status === 'ready' ? (
                  <a class="button" href={href(['jobs', 'new'], { dataset: d.id })}>
                    Fine-tune on this dataset
                  </a>
                ) : null}
                <button type="button" onClick={rebuild}>
                  Rebuild as a new version
                </button>
              </>
            }
          >
            <Facts
              items={[
                ['Id', <span class="mono">{d.id}</span>],
                ['Format', d.format],
                ['Base model', d.base_model ?? '—'],
                ['Source', d.source.type],
                ['Sanitized', d.sanitized ? 'yes' : 'no'],
                ['Records', num(d.record_count)],
                ['Content SHA-256', <span class="mono">{d.content_sha256 ?? '—'}</span>],
                ['Created', when(d.created_at)],
                ['Completed', when(d.completed_at)],
              ]}
            />
            {d.description ? <p>{d.description}</p> : null}
            {d.reasons.length > 0 ? (
              <ul class="plain">
                {d.reasons.map((r) => (
                  <li key={r.code} class="warn">
                    <span class="mono">{r.code}</span>: {r.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </Panel>
          <Panel title="Lineage">
            <Facts
              items={[
                ['Version', d.version],
                ['Parent', d.parent_dataset_id ? <a href={href(['datasets', d.parent_dataset_id])}>{shortId(d.parent_dataset_id)}</a> : 'none (first version)'],
                ['Group', <span class="mono">{d.dataset_group_id}</span>],
                ['Config hash', <span class="mono">{d.config_hash}</span>],
              ]}
            />
            <details>
              <summary>Build configuration</summary>
              <Json value={d.config} label="Build configuration" />
            </details>
          </Panel>
          {d.report ? <Report report={d.report} /> : <p class="muted">The report appears when the build finishes.</p>}
          {d.status === 'ready' ? (
            <Panel title="Records">
              <RecordViewer datasetId={d.id} hasValidation={d.files.some((f) => f.split === 'validation')} />
            </Panel>
          ) : null}
        </>
      ) : null}
    </>
  );
}
