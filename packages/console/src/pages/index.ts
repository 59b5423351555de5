import type { FunctionComponent } from 'preact';
import type { Route } from '../router.js';
import { OverviewPage } from './overview.js';
import { DatasetsPage } from './datasets.js';

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
];
