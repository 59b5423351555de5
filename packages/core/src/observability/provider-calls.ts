import { observeHttpAttempts } from '../shared/http-client.js';
import type { FtmMetrics } from './ftm-metrics.js';

// The customer's own systems; every other HttpClient dependency is a model provider, so an
// adapter added later is counted without being listed anywhere.
const INTEGRATIONS = new Set(['orchestrator', 'trism', 'prism', 'vector_store']);

/** True for a model provider (openai, azure_openai, together, …), false for the Orchestrator family. */
export function isProviderDependency(dependency: string): boolean {
  return !INTEGRATIONS.has(dependency);
}

const recording = new WeakSet<FtmMetrics>();

/**
 * Counts every attempt of every provider call of this process into
 * `ftm_provider_requests_total{provider,status}`. Idempotent per metrics object; returns how to stop.
 */
export function recordProviderCalls(metrics: FtmMetrics): () => void {
  if (recording.has(metrics)) return () => undefined;
  recording.add(metrics);
  const stop = observeHttpAttempts(({ dependency, status }) => {
    if (isProviderDependency(dependency)) metrics.providerRequests.inc({ provider: dependency, status: String(status) });
  });
  return () => {
    recording.delete(metrics);
    stop();
  };
}
