import { OrchestratorTraceClient } from './orchestrator/trace-client.js';
import { BuiltinSanitizer } from '../sanitization/builtin-sanitizer.js';
import { RemoteTrismSanitizer } from './trism-sanitizer/remote-trism-sanitizer.js';
import type { Sanitizer } from '../sanitization/sanitizer.js';
import type { TraceSource } from '../datasets/trace-source.js';

/** The integration settings datasets depend on, as the apps read them from the environment. */
export interface DatasetIntegrationsConfig {
  /** FTM_TRISM_URL: the remote sanitizer; the built-in detector when absent. */
  readonly trismUrl?: string | undefined;
  /** FTM_ORCHESTRATOR_URL + FTM_ORCHESTRATOR_API_KEY: the trace source. */
  readonly orchestrator?: { readonly url: string; readonly apiKey: string } | undefined;
  /** FTM_ORCHESTRATOR_API_KEY: TRiSM's bearer key (the config refuses a TRiSM URL without it). */
  readonly integrationApiKey?: string | undefined;
}

/** The sanitizer and trace source datasets use for this configuration. */
export interface DatasetIntegrations {
  readonly sanitizer: Sanitizer;
  readonly traces: TraceSource | null;
}

/**
 * RemoteTrismSanitizer when a TRiSM URL is set (authenticated with the Orchestrator key, as
 * docs/integrations.md specifies), else BuiltinSanitizer; the Orchestrator trace client when an
 * Orchestrator is configured, else no trace source (a trace dataset is then a clear 409).
 */
export function createDatasetIntegrations(config: DatasetIntegrationsConfig): DatasetIntegrations {
  const sanitizer = config.trismUrl ? new RemoteTrismSanitizer({ baseUrl: config.trismUrl, apiKey: config.integrationApiKey ?? config.orchestrator?.apiKey ?? '' }) : new BuiltinSanitizer();
  const traces = config.orchestrator ? new OrchestratorTraceClient({ baseUrl: config.orchestrator.url, apiKey: config.orchestrator.apiKey }) : null;
  return { sanitizer, traces };
}
