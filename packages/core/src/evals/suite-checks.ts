import { ValidationError, type FieldError } from '../shared/errors.js';
import { graderName, NEEDS_EXPECTED_OUTPUT, type GraderConfig } from './graders/grader-config.js';
import type { EvalCaseInput } from './eval-suite.js';

/**
 * Checks what one field's schema cannot: grader names are unique, and every case has what its
 * graders compare with (an expected output, tool call or JSON schema). A suite that would grade
 * every case as failed for lack of data is a 400 now, not a useless run later.
 */
export function checkSuiteGraders(graders: readonly GraderConfig[], cases: readonly EvalCaseInput[], casesPath = 'cases.cases'): void {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  graders.forEach((g, i) => {
    const name = graderName(g);
    if (seen.has(name)) errors.push({ path: `graders.${i}.name`, message: `duplicate grader name ${name}; name graders of the same type` });
    seen.add(name);
  });
  cases.forEach((c, i) => {
    const own = c.graders ?? [];
    const ownNames = new Set<string>();
    own.forEach((g, j) => {
      const name = graderName(g);
      if (ownNames.has(name)) errors.push({ path: `${casesPath}.${i}.graders.${j}.name`, message: `duplicate grader name ${name}` });
      ownNames.add(name);
    });
    const effective = [...graders.filter((g) => !ownNames.has(graderName(g))), ...own];
    for (const g of effective) {
      if (NEEDS_EXPECTED_OUTPUT.has(g.type) && c.expected_output === undefined) {
        errors.push({ path: `${casesPath}.${i}.expected_output`, message: `grader ${graderName(g)} needs an expected output` });
      } else if (g.type === 'tool_call_match' && !c.expected_tool_call) {
        errors.push({ path: `${casesPath}.${i}.expected_tool_call`, message: `grader ${graderName(g)} needs an expected tool call` });
      } else if (g.type === 'json_schema' && !g.schema && !c.expected_json_schema) {
        errors.push({ path: `${casesPath}.${i}.expected_json_schema`, message: `grader ${graderName(g)} needs a schema on the grader or the case` });
      }
    }
  });
  if (errors.length > 0) throw new ValidationError('eval suite is not valid', errors.slice(0, 100));
}
