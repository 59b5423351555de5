import { sql } from 'kysely';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import type { GraderConfig } from './graders/grader-config.js';
import type { EvalDeps } from './eval-deps.js';
import { CreateEvalSuiteVersionInput, type EvalCaseInput, type EvalSuite, type SelectionStrategy } from './eval-suite.js';
import { findEvalSuiteRow } from './get-eval-suite.js';
import { insertSuiteVersion } from './insert-suite-version.js';
import { loadSourceCases } from './create-eval-suite.js';
import { prepareCases } from './prepare-cases.js';
import { checkSuiteGraders } from './suite-checks.js';

/** The parent's cases as inputs (with their vectors), to carry into a new version. */
async function parentCases(deps: EvalDeps, ctx: ServiceContext, suiteId: string): Promise<{ cases: EvalCaseInput[]; embeddings: (number[] | null)[] }> {
  const rows = await deps.db.selectFrom('eval_cases').selectAll().where('tenant_id', '=', ctx.tenantId).where('eval_suite_id', '=', suiteId).orderBy('position').execute();
  return {
    cases: rows.map((r) => ({
      input: r.input as unknown as EvalCaseInput['input'],
      ...(r.expected_output !== null ? { expected_output: r.expected_output } : {}),
      ...(r.expected_tool_call ? { expected_tool_call: r.expected_tool_call as EvalCaseInput['expected_tool_call'] } : {}),
      ...(r.json_schema ? { expected_json_schema: r.json_schema } : {}),
      tags: r.tags,
      ...(r.graders ? { graders: r.graders as unknown as GraderConfig[] } : {}),
      metadata: r.metadata as Record<string, string>,
    })),
    embeddings: rows.map((r) => r.embedding),
  };
}

/**
 * `POST /eval-suites/{id}/versions`: suites are immutable, so a change is a new version
 * (version = latest + 1 in the group, parent = this one); omitted fields are copied.
 */
export async function createEvalSuiteVersion(deps: EvalDeps, ctx: ServiceContext, id: string, input: unknown): Promise<EvalSuite> {
  const parent = await findEvalSuiteRow(deps.db, ctx, id);
  const body = parseInput(CreateEvalSuiteVersionInput, input, 'eval suite version');
  const graders = body.graders ?? (parent.graders as unknown as GraderConfig[]);
  const selection = body.selection_strategy ?? (parent.selection_strategy as unknown as SelectionStrategy);
  let cases: EvalCaseInput[];
  let embeddings: (number[] | null)[] = [];
  let datasetId: string | null;
  if (body.cases) {
    ({ cases, datasetId } = await loadSourceCases(deps, ctx, body.cases));
  } else {
    ({ cases, embeddings } = await parentCases(deps, ctx, parent.id));
    datasetId = parent.source_dataset_id;
  }
  checkSuiteGraders(graders, cases, body.cases?.type === 'inline' ? 'cases.cases' : 'cases');
  const newId = ctx.ids.next();
  const prepared = await prepareCases(deps, ctx, newId, cases, selection, embeddings);
  return deps.db.transaction().execute(async (trx) => {
    // Serialises concurrent versioning of one group: the second waits, then takes max + 1.
    await sql`select pg_advisory_xact_lock(hashtext(${parent.suite_group_id}))`.execute(trx);
    const latest = await trx
      .selectFrom('eval_suites')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('tenant_id', '=', ctx.tenantId)
      .where('suite_group_id', '=', parent.suite_group_id)
      .executeTakeFirstOrThrow();
    const version = Number(latest.version ?? parent.version) + 1;
    if (!Number.isSafeInteger(version)) throw new ConflictError('suite version overflow');
    return insertSuiteVersion(trx, ctx, {
      id: newId,
      projectId: parent.project_id,
      name: parent.name,
      description: body.description ?? parent.description,
      groupId: parent.suite_group_id,
      version,
      parentId: parent.id,
      graders,
      passThreshold: body.pass_threshold ?? parent.pass_threshold,
      selection,
      policyProfile: body.policy_profile === undefined ? parent.policy_profile : body.policy_profile,
      sourceDatasetId: datasetId,
      cases: prepared,
    });
  });
}
