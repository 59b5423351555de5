import type { EvalCase, EvalCaseResult, EvalComparison, EvalRun } from '@ftm/sdk';
import { useState } from 'preact/hooks';
import { useLive } from '../live.js';
import { href, navigate, type Route } from '../router.js';
import { api } from '../session.js';
import { ErrorBox, Facts, Loading, Panel, Status } from '../ui/bits.js';
import { num, shortId, usd, when } from '../ui/format.js';
import { PagedTable } from '../ui/paged-table.js';
import { useLoad } from '../ui/use-load.js';

/** Most suite cases read to show each result's expected output. */
const MAX_CASES = 5_000;

function modelLabel(run: EvalRun): string {
  return run.resolved_model ?? `${run.model.type}: ${run.model.value}`;
}

/** Eval runs: the list (`#/evals`), one run (`#/evals/ID`), a comparison (`#/evals/ID/compare?baseline=ID`). */
export function EvalRunsPage({ route }: { route: Route }) {
  const [, id, sub] = route.parts;
  if (id && sub === 'compare') return <Compare id={id} baseline={route.query.get('baseline') ?? ''} />;
  if (id) return <RunDetail id={id} />;
  return (
    <>
      <h1>Eval runs</h1>
      <PagedTable<EvalRun>
        label="Eval runs"
        liveTypes={['eval_run', 'eval']}
        load={(cursor, limit) => api().evalRuns.list({ cursor, limit })}
        rowKey={(r) => r.id}
        columns={[
          { label: 'Run', render: (r) => <a href={href(['evals', r.id])}>{shortId(r.id)}</a> },
          { label: 'Status', render: (r) => <Status value={r.status} /> },
          { label: 'Model', render: (r) => <span class="mono">{modelLabel(r)}</span> },
          { label: 'Score', render: (r) => num(r.metrics?.score, 3) },
          { label: 'Pass rate', render: (r) => num(r.metrics?.pass_rate, 3) },
          { label: 'Cost', render: (r) => usd(r.cost_usd) },
          { label: 'Created', render: (r) => when(r.created_at) },
        ]}
      />
    </>
  );
}

async function suiteCases(suiteId: string): Promise<Map<string, EvalCase>> {
  const cases = new Map<string, EvalCase>();
  for await (const c of api().evalSuites.listCases(suiteId, { limit: 200 })) {
    cases.set(c.id, c);
    if (cases.size >= MAX_CASES) break;
  }
  return cases;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function RunDetail({ id }: { id: string }) {
  const data = useLoad(() => api().evalRuns.get(id), [id]);
  useLive([], data.reload, id);
  const cases = useLoad(() => (data.data ? suiteCases(data.data.eval_suite_id) : Promise.resolve(new Map<string, EvalCase>())), [data.data?.eval_suite_id]);
  const [baseline, setBaseline] = useState('');
  const run = data.data;
  const m = run?.metrics;
  return (
    <>
      <p>
        <a href={href(['evals'])}>← Eval runs</a>
      </p>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !run} />
      {run ? (
        <>
          <h1>
            Eval run {shortId(run.id)} <Status value={run.status} />
          </h1>
          <Panel title="Run">
            <Facts
              items={[
                ['Id', <span class="mono">{run.id}</span>],
                ['Model', <span class="mono">{modelLabel(run)}</span>],
                ['Suite', <span class="mono">{run.eval_suite_id}</span>],
                ['Cases', run.progress ? `${run.progress.cases_done}/${run.progress.cases_total} (${run.progress.cases_failed} failed)` : '—'],
                ['Cost', usd(run.cost_usd)],
                ['Stop reason', run.stop_reason ?? '—'],
                ['Created', when(run.created_at)],
                ['Completed', when(run.completed_at)],
              ]}
            />
          </Panel>
          {m ? (
            <Panel title="Metrics">
              <Facts
                items={[
                  ['Score', num(m.score, 3)],
                  ['Pass rate', num(m.pass_rate, 3)],
                  ['Latency p50 / p95', `${num(m.latency_ms.p50, 0)} / ${num(m.latency_ms.p95, 0)} ms`],
                  ['Tokens in / out', `${num(m.tokens.input)} / ${num(m.tokens.output)}`],
                  ['Cost (judge)', `${usd(m.cost_usd)} (${usd(m.judge_cost_usd)})`],
                ]}
              />
              <h3>Per grader</h3>
              <ul class="plain">
                {Object.entries(m.per_grader).map(([g, v]) => (
                  <li key={g}>
                    <span class="mono">{g}</span>: score {num(v.score, 3)}, pass rate {num(v.pass_rate, 3)}
                  </li>
                ))}
              </ul>
            </Panel>
          ) : null}
          <Panel title="Compare with another run">
            <form
              class="toolbar"
              onSubmit={(e) => {
                e.preventDefault();
                if (baseline.trim()) navigate(['evals', run.id, 'compare'], { baseline: baseline.trim() });
              }}
            >
              <label>
                Baseline run id
                <input name="baseline" class="mono" required value={baseline} onInput={(e) => setBaseline((e.target as HTMLInputElement).value)} />
              </label>
              <button type="submit">Compare</button>
            </form>
          </Panel>
          <Panel title="Per-case results">
            <PagedTable<EvalCaseResult>
              label="Per-case results"
              liveTypes={[]}
              load={(cursor, limit) => api().evalRuns.listResults(run.id, { cursor, limit })}
              rowKey={(r) => r.case_id}
              columns={[
                { label: '#', render: (r) => r.position },
                { label: 'Result', render: (r) => <Status value={r.passed ? 'pass' : 'fail'} /> },
                { label: 'Score', render: (r) => num(r.score, 3) },
                { label: 'Expected', render: (r) => <pre class="json">{text(cases.data?.get(r.case_id)?.expected_output ?? '—')}</pre> },
                { label: 'Actual', render: (r) => <pre class="json">{r.error ? `error: ${text(r.error)}` : text(r.output?.content ?? r.output?.tool_calls ?? '—')}</pre> },
                { label: 'Graders', render: (r) => r.graders.map((g) => `${g.grader}: ${g.passed ? 'pass' : 'fail'} (${g.reason})`).join('; ') },
              ]}
            />
          </Panel>
        </>
      ) : null}
    </>
  );
}

function delta(value: number, digits = 3) {
  return <span class={value > 0 ? 'delta-pos' : value < 0 ? 'delta-neg' : ''}>{`${value > 0 ? '+' : ''}${value.toFixed(digits)}`}</span>;
}

function Compare({ id, baseline }: { id: string; baseline: string }) {
  const data = useLoad<EvalComparison>(() => api().evalRuns.compare(id, { baseline }), [id, baseline]);
  const c = data.data;
  return (
    <>
      <p>
        <a href={href(['evals', id])}>← Eval run {shortId(id)}</a>
      </p>
      <h1>
        Run {shortId(id)} vs baseline {shortId(baseline)}
      </h1>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !c} />
      {c ? (
        <>
          <Panel title="Comparison">
            <Facts
              items={[
                ['Score', `${c.aggregate.score.toFixed(3)} vs ${c.aggregate.baseline_score.toFixed(3)}`],
                ['Score difference', delta(c.aggregate.delta)],
                [
                  'Confidence interval',
                  `${Math.round(c.aggregate.confidence_interval.level * 100)}%: [${c.aggregate.confidence_interval.lower.toFixed(3)}, ${c.aggregate.confidence_interval.upper.toFixed(3)}]`,
                ],
                ['Significant', c.aggregate.significant ? 'yes (the interval excludes 0)' : 'no (the interval includes 0)'],
                ['Pass rate', `${c.aggregate.pass_rate.toFixed(3)} vs ${c.aggregate.baseline_pass_rate.toFixed(3)}`],
                ['Cost difference', `${c.aggregate.cost_usd_delta >= 0 ? '+' : ''}${usd(c.aggregate.cost_usd_delta)}`],
                ['p95 latency difference', `${c.aggregate.latency_p95_ms_delta >= 0 ? '+' : ''}${c.aggregate.latency_p95_ms_delta.toFixed(0)} ms`],
              ]}
            />
          </Panel>
          <Panel title="Cases">
            <table aria-label="Case comparison">
              <thead>
                <tr>
                  <th scope="col">Case</th>
                  <th scope="col">Score</th>
                  <th scope="col">Baseline</th>
                  <th scope="col">Difference</th>
                  <th scope="col">Passed (baseline)</th>
                </tr>
              </thead>
              <tbody>
                {c.cases.map((k) => (
                  <tr key={k.case_id}>
                    <td class="mono">{shortId(k.case_id)}</td>
                    <td>{k.score.toFixed(3)}</td>
                    <td>{k.baseline_score.toFixed(3)}</td>
                    <td>{delta(k.delta)}</td>
                    <td>
                      {k.passed ? 'yes' : 'no'} ({k.baseline_passed ? 'yes' : 'no'})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Panel>
        </>
      ) : null}
    </>
  );
}
