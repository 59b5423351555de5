import type { ServiceContext } from '../shared/context.js';
import { parseInput } from '../shared/parse-input.js';
import { resolveDatasetProject } from '../datasets/dataset-project.js';
import { casesFromDataset } from './dataset-cases.js';
import type { EvalDeps } from './eval-deps.js';
import { CreateEvalSuiteInput, type EvalCaseInput, type EvalCaseSource, type EvalSuite } from './eval-suite.js';
import { insertSuiteVersion } from './insert-suite-version.js';
import { prepareCases } from './prepare-cases.js';
import { checkSuiteGraders } from './suite-checks.js';

/** The cases of a source: inline as given, or read from a ready dataset of this tenant. */
export async function loadSourceCases(deps: Pick<EvalDeps, 'db' | 'blobs'>, ctx: ServiceContext, source: EvalCaseSource): Promise<{ cases: EvalCaseInput[]; datasetId: string | null }> {
  if (source.type === 'inline') return { cases: source.cases, datasetId: null };
  const cases = await casesFromDataset(deps.db, deps.blobs, ctx.tenantId, source);
  return { cases, datasetId: source.dataset_id };
}

/**
 * `POST /eval-suites`: validates graders and cases (unknown graders, invalid regexes or schemas,
 * empty suites and cases missing what their graders compare with are a ValidationError), reads
 * dataset cases, embeds them for vector selection, and stores version 1 with its event and audit.
 */
export async function createEvalSuite(deps: EvalDeps, ctx: ServiceContext, input: unknown): Promise<EvalSuite> {
  const body = parseInput(CreateEvalSuiteInput, input, 'eval suite');
  const projectId = await resolveDatasetProject(deps.db, ctx, body.project_id);
  const { cases, datasetId } = await loadSourceCases(deps, ctx, body.cases);
  checkSuiteGraders(body.graders, cases, body.cases.type === 'inline' ? 'cases.cases' : 'cases');
  const id = ctx.ids.next();
  const prepared = await prepareCases(deps, ctx, id, cases, body.selection_strategy);
  return deps.db.transaction().execute((trx) =>
    insertSuiteVersion(trx, ctx, {
      id,
      projectId,
      name: body.name,
      description: body.description ?? null,
      groupId: id,
      version: 1,
      parentId: null,
      graders: body.graders,
      passThreshold: body.pass_threshold,
      selection: body.selection_strategy,
      policyProfile: body.policy_profile ?? null,
      sourceDatasetId: datasetId,
      cases: prepared,
    }),
  );
}
