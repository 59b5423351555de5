import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GateVerdict } from '../shared/errors.js';

/** HTTP latency buckets in seconds: the API's hot path is milliseconds, uploads take longer. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** Job duration buckets in seconds: webhook attempts are sub-second, dataset builds take minutes. */
export const JOB_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900] as const;
/** Buckets of whole dataset builds and eval runs: seconds to hours. */
export const RUN_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400] as const;

/** How one queue job attempt ended, as the worker runtime reports it. */
export type JobOutcome = 'succeeded' | 'failed' | 'unrecoverable';

/** The Content-Type of a scrape response (Prometheus text format 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** The metric families FTM exposes at `/metrics`, on one prom-client registry. */
export interface FtmMetrics {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<'route' | 'method' | 'status'>;
  readonly queueJobs: Gauge<'state'>;
  readonly queueJobsByName: Gauge<'job_name' | 'state'>;
  readonly jobDuration: Histogram<'job_name' | 'outcome'>;
  readonly gateDenials: Counter<'gate'>;
  readonly webhookAttempts: Counter<'outcome'>;
  readonly webhookDeadLetters: Gauge;
  readonly outboxBacklog: Gauge;
  readonly outboxOldestAge: Gauge;
  readonly providerRequests: Counter<'provider' | 'status'>;
  readonly datasetBuildDuration: Histogram<'outcome'>;
  readonly evalRunDuration: Histogram<'outcome'>;
  readonly ftJobsCosted: Gauge<'provider'>;
  readonly ftJobCostEstimated: Gauge<'provider'>;
  readonly ftJobCostActual: Gauge<'provider'>;
  readonly collectorUp: Gauge<'collector'>;
}

/** Options of {@link createFtmMetrics}. */
export interface FtmMetricsOptions {
  readonly registry?: Registry;
  /** Node.js process metrics (heap, event loop lag, GC, CPU, handles); default true. */
  readonly processMetrics?: boolean;
}

/** Creates the FTM metric families on a fresh registry (one per process in production). */
export function createFtmMetrics(options: FtmMetricsOptions = {}): FtmMetrics {
  const registers = [options.registry ?? new Registry()];
  const [registry] = registers as [Registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets: [...buckets], registers });
  return {
    registry,
    httpRequestDuration: histogram('ftm_http_request_duration_seconds', 'HTTP request latency by route template, method and status.', ['route', 'method', 'status'], HTTP_DURATION_BUCKETS),
    queueJobs: gauge('ftm_queue_jobs', 'Jobs in the work queue by state, sampled at scrape time.', ['state']),
    queueJobsByName: gauge('ftm_queue_jobs_by_name', 'Jobs in the work queue by job name and state (waiting, active, delayed, dead_letter), sampled at scrape time.', ['job_name', 'state']),
    jobDuration: histogram('ftm_job_duration_seconds', 'Duration of queue job attempts by job name and outcome.', ['job_name', 'outcome'], JOB_DURATION_BUCKETS),
    gateDenials: counter('ftm_gate_denials_total', 'Requests refused with 409 by a governance or quality gate, by the gate that denied.', ['gate']),
    webhookAttempts: counter('ftm_webhook_delivery_attempts_total', 'Webhook delivery attempts by what became of the delivery (succeeded, retry, dead_letter, gone).', ['outcome']),
    webhookDeadLetters: gauge('ftm_webhook_dead_letter_deliveries', 'Webhook deliveries in the dead-letter state (all tenants), sampled at scrape time.', []),
    outboxBacklog: gauge('ftm_outbox_backlog_events', 'Outbox events not yet dispatched, sampled at scrape time.', []),
    outboxOldestAge: gauge('ftm_outbox_oldest_undispatched_age_seconds', 'Age of the oldest outbox event not yet dispatched (0 when none), sampled at scrape time.', []),
    providerRequests: counter('ftm_provider_requests_total', 'HTTP calls to model providers by provider and status (HTTP status code, timeout or network_error); each attempt counts.', [
      'provider',
      'status',
    ]),
    datasetBuildDuration: histogram('ftm_dataset_build_duration_seconds', 'Processing time of dataset build job attempts by outcome (queue wait excluded).', ['outcome'], RUN_DURATION_BUCKETS),
    evalRunDuration: histogram('ftm_eval_run_duration_seconds', 'Processing time of eval run job attempts by outcome (queue wait excluded).', ['outcome'], RUN_DURATION_BUCKETS),
    ftJobsCosted: gauge('ftm_ft_jobs_costed', 'Completed fine-tuning jobs that have both a cost estimate and an actual cost, by provider.', ['provider']),
    ftJobCostEstimated: gauge('ftm_ft_job_cost_estimated_usd', 'Sum of the cost estimates (USD) of those jobs, by provider.', ['provider']),
    ftJobCostActual: gauge('ftm_ft_job_cost_actual_usd', 'Sum of the actual costs (USD) of those jobs, by provider.', ['provider']),
    collectorUp: gauge('ftm_metrics_collector_up', '1 if the scrape-time sample of this collector succeeded within its timeout, else 0.', ['collector']),
  };
}

/** Counts a gate denial once per gate that denied (an error without a denying gate counts as `unknown`). */
export function countGateDenials(metrics: FtmMetrics, gates: readonly GateVerdict[]): void {
  const denied = gates.filter((g) => g.verdict === 'deny');
  if (denied.length === 0) metrics.gateDenials.inc({ gate: 'unknown' });
  for (const g of denied) metrics.gateDenials.inc({ gate: g.gate });
}

/** The current value of one series of a counter or gauge (0 when it has none yet). */
export async function metricValue<L extends string>(metric: Counter<L> | Gauge<L>, labels: Partial<Record<L, string | number>> = {}): Promise<number> {
  const { values } = await metric.get();
  const wanted = Object.entries(labels) as [string, string | number][];
  const found = values.find((v) => wanted.every(([k, value]) => String((v.labels as Record<string, unknown>)[k]) === String(value)) && Object.keys(v.labels).length === wanted.length);
  return found?.value ?? 0;
}

let processMetrics: FtmMetrics | undefined;

/**
 * The metrics of this process, shared by the API and an in-process worker (`ftm start`) so one
 * scrape sees both. Tests and embedders that want isolation pass their own {@link createFtmMetrics}.
 */
export function defaultFtmMetrics(): FtmMetrics {
  processMetrics ??= createFtmMetrics();
  return processMetrics;
}
