export {
  createFtmMetrics,
  defaultFtmMetrics,
  countGateDenials,
  metricValue,
  HTTP_DURATION_BUCKETS,
  JOB_DURATION_BUCKETS,
  RUN_DURATION_BUCKETS,
  PROMETHEUS_CONTENT_TYPE,
  type FtmMetrics,
  type FtmMetricsOptions,
  type JobOutcome,
} from './ftm-metrics.js';
export {
  sampleQueueDepth,
  sampleQueueDepthByName,
  sampleFtJobCosts,
  sampleOutbox,
  sampleWebhookDeadLetters,
  sampleRuntimeGauges,
  DEFAULT_SAMPLE_TIMEOUT_MS,
  type RuntimeGaugeSources,
} from './sample-runtime-gauges.js';
export { recordProviderCalls, isProviderDependency } from './provider-calls.js';
