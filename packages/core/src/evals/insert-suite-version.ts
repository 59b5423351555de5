import type { Transaction } from 'kysely';
import type { ServiceContext } from '../shared/context.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import type { GraderConfig } from './graders/grader-config.js';
import { toEvalSuite, type EvalCaseInput, type EvalSuite, type SelectionStrategy } from './eval-suite.js';
import type { DB } from '../db/schema.js';

/** A case about to be stored: its id (creation order = position order) and its vector, if any. */
export interface PreparedCase {
  readonly id: string;
  readonly input: EvalCaseInput;
  readonly embedding: number[] | null;
}

/** Everything one suite version row holds. */
export interface SuiteVersionSpec {
  readonly id: string;
  readonly projectId: string | null;
  readonly name: string;
  readonly description: string | null;
  readonly groupId: string;
  readonly version: number;
  readonly parentId: string | null;
  readonly graders: readonly GraderConfig[];
  readonly passThreshold: number;
  readonly selection: SelectionStrategy;
  readonly policyProfile: string | null;
  readonly sourceDatasetId: string | null;
  readonly cases: readonly PreparedCase[];
}

const CASE_BATCH = 500;

/** Inserts a suite version and its cases, with its event and audit row, in the caller's transaction. */
export async function insertSuiteVersion(trx: Transaction<DB>, ctx: ServiceContext, spec: SuiteVersionSpec): Promise<EvalSuite> {
  const row = await trx
    .insertInto('eval_suites')
    .values({
      id: spec.id,
      tenant_id: ctx.tenantId,
      project_id: spec.projectId,
      suite_group_id: spec.groupId,
      version: spec.version,
      parent_suite_id: spec.parentId,
      name: spec.name,
      description: spec.description,
      graders: JSON.stringify(spec.graders),
      pass_threshold: spec.passThreshold,
      policy_profile: spec.policyProfile,
      selection_strategy: JSON.stringify(spec.selection),
      source_dataset_id: spec.sourceDatasetId,
      case_count: spec.cases.length,
      created_by: `${ctx.actor.type}:${ctx.actor.id}`,
      created_at: ctx.clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (let i = 0; i < spec.cases.length; i += CASE_BATCH) {
    await trx
      .insertInto('eval_cases')
      .values(
        spec.cases.slice(i, i + CASE_BATCH).map((c, j) => ({
          id: c.id,
          tenant_id: ctx.tenantId,
          eval_suite_id: spec.id,
          position: i + j,
          input: JSON.stringify(c.input.input),
          expected_output: c.input.expected_output ?? null,
          expected_tool_call: c.input.expected_tool_call ? JSON.stringify(c.input.expected_tool_call) : null,
          json_schema: c.input.expected_json_schema ? JSON.stringify(c.input.expected_json_schema) : null,
          tags: c.input.tags,
          graders: c.input.graders && c.input.graders.length > 0 ? JSON.stringify(c.input.graders) : null,
          embedding: c.embedding,
          metadata: JSON.stringify(c.input.metadata ?? {}),
        })),
      )
      .execute();
  }
  const suite = toEvalSuite(row);
  const first = spec.version === 1;
  await recordEvent(trx, ctx, {
    type: first ? 'eval_suite.created' : 'eval_suite.versioned',
    resourceType: 'eval_suite',
    resourceId: suite.id,
    projectId: suite.project_id,
    payload: { eval_suite: suite },
  });
  await recordAudit(trx, ctx, {
    action: first ? 'eval_suite.create' : 'eval_suite.version',
    resourceType: 'eval_suite',
    resourceId: suite.id,
    projectId: suite.project_id,
    summary: `${first ? 'created eval suite' : 'created a new version of eval suite'} ${suite.name} v${suite.version} with ${suite.case_count} cases`,
    details: { graders: suite.graders.map((g) => g.name ?? g.type), pass_threshold: suite.pass_threshold, parent_suite_id: suite.parent_suite_id, source_dataset_id: suite.source_dataset_id },
  });
  return suite;
}
