import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { issue } from '../core/outcome';

/** A parameter that cannot be used; strict handling turns these into a 400, lenient into warnings. */
export class ParamProblem extends Error {
  constructor(
    readonly param: string,
    message: string,
    readonly code: OperationOutcomeIssue['code'] = 'invalid',
  ) {
    super(message);
  }
}

export function problemIssues(problems: ParamProblem[], severity: 'error' | 'warning'): OperationOutcomeIssue[] {
  return problems.map((problem) =>
    issue(
      problem.code,
      severity === 'warning' ? `Ignored: ${problem.message}` : problem.message,
      problem.param,
      severity,
    ),
  );
}
