import type { FunctionComponent } from 'preact';
import type { Route } from '../router.js';
import { ApprovalsPage } from './approvals.js';
import { AuditPage } from './audit.js';
import { DatasetsPage } from './datasets.js';
import { EvalRunsPage } from './eval-runs.js';
import { FtJobsPage } from './ft-jobs.js';
import { ModelsPage } from './models.js';
import { OverviewPage } from './overview.js';
import { WebhooksPage } from './webhooks.js';

/** A section of the console: its hash path (first segment), its title, and its view. */
export interface PageDef {
  readonly path: string;
  readonly title: string;
  readonly view: FunctionComponent<{ route: Route }>;
}

/** Every section, in navigation order; the first is the fallback for unknown paths. */
export const PAGES: readonly PageDef[] = [
  { path: '', title: 'Overview', view: OverviewPage },
  { path: 'datasets', title: 'Datasets', view: DatasetsPage },
  { path: 'jobs', title: 'Fine-tuning jobs', view: FtJobsPage },
  { path: 'evals', title: 'Eval runs', view: EvalRunsPage },
  { path: 'models', title: 'Models and pointers', view: ModelsPage },
  { path: 'approvals', title: 'Approvals', view: ApprovalsPage },
  { path: 'webhooks', title: 'Webhooks', view: WebhooksPage },
  { path: 'audit', title: 'Audit log', view: AuditPage },
];
