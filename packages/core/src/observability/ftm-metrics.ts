import type { GateVerdict } from '../shared/errors.js';
import type { Counter } from './counter.js';
import type { Gauge } from './gauge.js';
import type { Histogram } from './histogram.js';
import { MetricsRegistry } from './metrics-registry.js';

/** HTTP latency buckets in seconds: the API's hot path is milliseconds, uploads take longer. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** Job duration buckets in seconds: webhook attempts are sub-second, dataset builds take minutes. */
export const JOB_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900] as const;

/** How one queue job attempt ended, as the worker runtime reports it. */
export type JobOutcome = 'succeeded' | 'failed' | 'unrecoverable';

/** The metric families FTM exposes at `/metrics`, on one registry. */
export interface FtmMetrics {
  readonly registry: MetricsRegistry;
  readonly httpRequestDuration: Histogram;
  readonly queueJobs: Gauge;
  readonly jobDuration: Histogram;
  readonly gateDenials: Counter;
  readonly webhookAttempts: Counter;
  readonly ftJobsCosted: Gauge;
  readonly ftJobCostEstimated: Gauge;
  readonly ftJobCostActual: Gauge;
  readonly collectorUp: Gauge;
}

/** Creates the FTM metric families on a fresh registry (one per process in production). */
export function createFtmMetrics(registry: MetricsRegistry = new MetricsRegistry()): FtmMetrics {
  return {
    registry,
    httpRequestDuration: registry.histogram('ftm_http_request_duration_seconds', 'HTTP request latency by route template, method and status.', ['route', 'method', 'status'], HTTP_DURATION_BUCKETS),
    queueJobs: registry.gauge('ftm_queue_jobs', 'Jobs in the work queue by state, sampled at scrape time.', ['state']),
    jobDuration: registry.histogram('ftm_job_duration_seconds', 'Duration of queue job attempts by job name and outcome.', ['job', 'outcome'], JOB_DURATION_BUCKETS),
    gateDenials: registry.counter('ftm_gate_denials_total', 'Requests refused with 409 by a governance or quality gate, by the gate that denied.', ['gate']),
    webhookAttempts: registry.counter('ftm_webhook_delivery_attempts_total', 'Webhook delivery attempts by what became of the delivery.', ['outcome']),
    ftJobsCosted: registry.gauge('ftm_ft_jobs_costed', 'Completed fine-tuning jobs that have both a cost estimate and an actual cost, by provider.', ['provider']),
    ftJobCostEstimated: registry.gauge('ftm_ft_job_cost_estimated_usd', 'Sum of the cost estimates (USD) of those jobs, by provider.', ['provider']),
    ftJobCostActual: registry.gauge('ftm_ft_job_cost_actual_usd', 'Sum of the actual costs (USD) of those jobs, by provider.', ['provider']),
    collectorUp: registry.gauge('ftm_metrics_collector_up', '1 if the scrape-time sample of this collector succeeded within its timeout, else 0.', ['collector']),
  };
}

/** Counts a gate denial once per gate that denied (an error without a denying gate counts as `unknown`). */
export function countGateDenials(metrics: FtmMetrics, gates: readonly GateVerdict[]): void {
  const denied = gates.filter((g) => g.verdict === 'deny');
  if (denied.length === 0) metrics.gateDenials.inc({ gate: 'unknown' });
  for (const g of denied) metrics.gateDenials.inc({ gate: g.gate });
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
