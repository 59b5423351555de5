export { PROMETHEUS_CONTENT_TYPE, escapeHelp, escapeLabelValue, formatValue, type Labels } from './exposition.js';
export { Counter } from './counter.js';
export { Gauge } from './gauge.js';
export { Histogram, type HistogramSeries } from './histogram.js';
export { MetricsRegistry } from './metrics-registry.js';
export { createFtmMetrics, defaultFtmMetrics, countGateDenials, HTTP_DURATION_BUCKETS, JOB_DURATION_BUCKETS, type FtmMetrics, type JobOutcome } from './ftm-metrics.js';
export { sampleQueueDepth, sampleFtJobCosts, sampleRuntimeGauges, DEFAULT_SAMPLE_TIMEOUT_MS, type RuntimeGaugeSources } from './sample-runtime-gauges.js';
