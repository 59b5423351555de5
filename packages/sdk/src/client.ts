import { ApiClient } from './core/api-client.js';
import type { FtmOptions } from './core/client-options.js';
import { ApiKeys } from './resources/api-keys.js';
import { Approvals } from './resources/approvals.js';
import { AuditEvents } from './resources/audit-events.js';
import { Datasets } from './resources/datasets.js';
import { EvalRuns } from './resources/eval-runs.js';
import { EvalSuites } from './resources/eval-suites.js';
import { Events } from './resources/events.js';
import { FtJobs } from './resources/ft-jobs.js';
import { ModelVersions } from './resources/model-versions.js';
import { Otlp } from './resources/otlp.js';
import { ProductionPointers } from './resources/production-pointers.js';
import { Projects } from './resources/projects.js';
import { Tenants } from './resources/tenants.js';
import { Promotions } from './resources/promotions.js';
import { ProviderWebhooks } from './resources/provider-webhooks.js';
import { Providers } from './resources/providers.js';
import { Langfuse } from './resources/langfuse.js';
import { ReEvals } from './resources/re-evals.js';
import { System } from './resources/system.js';
import { Uploads } from './resources/uploads.js';
import { WebhookDeliveries } from './resources/webhook-deliveries.js';
import { WebhookEndpoints } from './resources/webhook-endpoints.js';

/**
 * The FTM API client: one property per resource of the contract. Options default to
 * `FTM_BASE_URL` (else `http://localhost:8080`) and `FTM_API_KEY` from the environment.
 * @example
 * import { Ftm } from '@ftm/sdk';
 * const ftm = new Ftm({ baseUrl: 'http://localhost:8080', apiKey: process.env.FTM_API_KEY });
 * for await (const v of ftm.modelVersions.list({ status: 'candidate' })) console.log(v.name);
 */
export class Ftm {
  /** The request core (auth, retries, errors) every resource delegates to. */
  readonly client: ApiClient;
  readonly system: System;
  readonly projects: Projects;
  /** Operator routes: construct the client with `apiKey: FTM_OPERATOR_TOKEN`. */
  readonly tenants: Tenants;
  readonly apiKeys: ApiKeys;
  readonly modelVersions: ModelVersions;
  readonly uploads: Uploads;
  readonly datasets: Datasets;
  readonly evalSuites: EvalSuites;
  readonly evalRuns: EvalRuns;
  readonly ftJobs: FtJobs;
  readonly providerWebhooks: ProviderWebhooks;
  readonly approvals: Approvals;
  readonly promotions: Promotions;
  readonly productionPointers: ProductionPointers;
  readonly reEvals: ReEvals;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly webhookDeliveries: WebhookDeliveries;
  readonly auditEvents: AuditEvents;
  readonly events: Events;
  readonly otlp: Otlp;
  readonly providers: Providers;
  /** Langfuse key pairs that `langfuse` datasets read with. */
  readonly langfuse: Langfuse;

  constructor(options: FtmOptions = {}) {
    this.client = new ApiClient(options);
    this.system = new System(this.client);
    this.projects = new Projects(this.client);
    this.tenants = new Tenants(this.client);
    this.apiKeys = new ApiKeys(this.client);
    this.modelVersions = new ModelVersions(this.client);
    this.uploads = new Uploads(this.client);
    this.datasets = new Datasets(this.client);
    this.evalSuites = new EvalSuites(this.client);
    this.evalRuns = new EvalRuns(this.client);
    this.ftJobs = new FtJobs(this.client);
    this.providerWebhooks = new ProviderWebhooks(this.client);
    this.approvals = new Approvals(this.client);
    this.promotions = new Promotions(this.client);
    this.productionPointers = new ProductionPointers(this.client);
    this.reEvals = new ReEvals(this.client);
    this.webhookEndpoints = new WebhookEndpoints(this.client);
    this.webhookDeliveries = new WebhookDeliveries(this.client);
    this.auditEvents = new AuditEvents(this.client);
    this.events = new Events(this.client);
    this.otlp = new Otlp(this.client);
    this.providers = new Providers(this.client);
    this.langfuse = new Langfuse(this.client);
  }
}
