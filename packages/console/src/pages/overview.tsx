import type { Approval, ModelVersion, ProductionPointer, ReEval, WebhookDelivery, WebhookEndpoint } from '@ftm/sdk';
import { useLive } from '../live.js';
import { href, type Route } from '../router.js';
import { api } from '../session.js';
import { ErrorBox, Loading, Panel, Status } from '../ui/bits.js';
import { num, shortId, usd, when } from '../ui/format.js';
import { retirementText } from '../ui/retirement.js';
import { useLoad } from '../ui/use-load.js';

const SHOWN = 25;

interface PointerRow {
  readonly pointer: ProductionPointer;
  readonly version: ModelVersion | null;
  readonly reEval: { readonly score: number | null; readonly at: string | null; readonly regression: boolean } | null;
  readonly retirement: string | null;
}

/** The latest finished re-eval run of the schedule watching this pointer's target. */
function lastReEval(reEvals: readonly ReEval[], pointer: ProductionPointer): PointerRow['reEval'] {
  const watching = reEvals.filter((r) => r.target?.type === pointer.target.type && r.target.value === pointer.target.value);
  const runs = watching.flatMap((r) => r.runs).filter((run) => run.completed_at);
  runs.sort((a, b) => (b.completed_at ?? '').localeCompare(a.completed_at ?? ''));
  const run = runs[0];
  return run ? { score: run.regression?.score ?? null, at: run.completed_at, regression: run.detected } : null;
}

async function loadOverview() {
  const ftm = api();
  const [pointers, reEvals, approvals, failing, endpoints] = await Promise.all([
    ftm.productionPointers.list({ limit: SHOWN }),
    ftm.reEvals.list({ limit: 100 }).then(
      (p) => p.data,
      () => [] as ReEval[],
    ),
    ftm.approvals.list({ status: 'pending', limit: SHOWN }),
    Promise.all([ftm.webhookDeliveries.list({ status: 'dead_letter', limit: 100 }), ftm.webhookDeliveries.list({ status: 'failed', limit: 100 })]).then(([a, b]) => [...a.data, ...b.data]),
    ftm.webhookEndpoints.list({ limit: 100 }).then((p) => p.data),
  ]);
  const rows: PointerRow[] = await Promise.all(
    pointers.data.map(async (pointer) => ({
      pointer,
      version: await ftm.modelVersions.get(pointer.model_version_id).then(
        (v) => v,
        () => null,
      ),
      reEval: lastReEval(reEvals, pointer),
      retirement: pointer.retirement ? retirementText(pointer.retirement) : null,
    })),
  );
  return { rows, morePointers: pointers.hasNextPage(), approvals: approvals.data, failingEndpoints: failingEndpoints(endpoints, failing) };
}

/** Endpoints that are disabled, or whose recent deliveries failed or were dead-lettered. */
function failingEndpoints(endpoints: readonly WebhookEndpoint[], failing: readonly WebhookDelivery[]) {
  return endpoints.map((endpoint) => ({ endpoint, failures: failing.filter((d) => d.endpoint_id === endpoint.id) })).filter(({ endpoint, failures }) => failures.length > 0 || !endpoint.enabled);
}

/** Overview: production pointers and their health, what waits for a person, what is failing. */
export function OverviewPage(_: { route: Route }) {
  const data = useLoad(loadOverview, []);
  useLive(['production_pointer', 'promotion', 'approval', 'webhook_delivery', 're_eval', 'model_version', 'model', 'regression', 'webhook', 'ft_job'], data.reload);
  const d = data.data;
  return (
    <>
      <h1>Overview</h1>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !d} />
      {d ? (
        <>
          <Panel title="Production pointers">
            <table aria-label="Production pointers">
              <thead>
                <tr>
                  <th scope="col">Target</th>
                  <th scope="col">Model version</th>
                  <th scope="col">Provider model</th>
                  <th scope="col">Last re-eval score</th>
                  <th scope="col">Warnings</th>
                </tr>
              </thead>
              <tbody>
                {d.rows.map(({ pointer, version, reEval, retirement }) => (
                  <tr key={pointer.id}>
                    <td>
                      <a href={href(['models', 'pointers', pointer.id])}>
                        {pointer.target.type}: {pointer.target.value}
                      </a>
                    </td>
                    <td>
                      <a href={href(['models', 'versions', pointer.model_version_id])}>{version?.name ?? shortId(pointer.model_version_id)}</a> <Status value={version?.status} />
                    </td>
                    <td class="mono">{pointer.provider_model_id}</td>
                    <td>{reEval ? `${num(reEval.score, 3)} (${when(reEval.at)})` : 'no re-eval yet'}</td>
                    <td>
                      {retirement ? <span class="warn">⚠ {retirement}</span> : null}
                      {reEval?.regression ? <span class="warn">⚠ regression detected</span> : null}
                    </td>
                  </tr>
                ))}
                {d.rows.length === 0 ? (
                  <tr>
                    <td colSpan={5} class="muted">
                      No production pointer yet: promote a model version.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
            {d.morePointers ? <a href={href(['models'])}>All pointers…</a> : null}
          </Panel>
          <Panel title="Pending approvals">
            {d.approvals.length === 0 ? <p class="muted">Nothing waits for approval.</p> : null}
            <ul class="plain">
              {d.approvals.map((a: Approval) => (
                <li key={a.id}>
                  <a href={href(['approvals'], { id: a.id })}>
                    {a.kind} {shortId(a.resource_id)}
                  </a>{' '}
                  estimated {usd(a.estimated_cost_usd)} · requested {when(a.created_at)}
                </li>
              ))}
            </ul>
          </Panel>
          <Panel title="Failing webhook endpoints">
            {d.failingEndpoints.length === 0 ? <p class="muted">Every endpoint is delivering.</p> : null}
            <ul class="plain">
              {d.failingEndpoints.map(({ endpoint, failures }) => (
                <li key={endpoint.id}>
                  <a href={href(['webhooks', endpoint.id])}>{endpoint.url}</a> {endpoint.enabled ? null : <Status value="disabled" />} {failures.length} failing deliveries
                  {endpoint.disabled_reason ? ` · ${endpoint.disabled_reason}` : ''}
                </li>
              ))}
            </ul>
          </Panel>
        </>
      ) : null}
    </>
  );
}
