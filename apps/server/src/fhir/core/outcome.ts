import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueCode = OperationOutcomeIssue['code'];
export type IssueSeverity = OperationOutcomeIssue['severity'];

/**
 * A FHIR interaction that cannot be carried out. The HTTP adapter turns it into an OperationOutcome
 * with this status; `expression` names the offending element or parameter.
 */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly issues: OperationOutcomeIssue[],
    /** Machine-readable code, also listed in docs/errors.md. */
    readonly errorCode: string,
  ) {
    super(issues.map((issue) => issue.diagnostics ?? issue.details?.text ?? issue.code).join('; '));
    this.name = 'FhirError';
  }

  get outcome(): OperationOutcome {
    return { resourceType: 'OperationOutcome', issue: this.issues };
  }
}

export function issue(
  code: IssueCode,
  diagnostics: string,
  expression?: string | string[],
  severity: IssueSeverity = 'error',
): OperationOutcomeIssue {
  return {
    severity,
    code,
    diagnostics,
    ...(expression ? { expression: Array.isArray(expression) ? expression : [expression] } : {}),
  };
}

export const fhirErrors = {
  invalid: (diagnostics: string, expression?: string) =>
    new FhirError(400, [issue('invalid', diagnostics, expression)], 'FHIR_INVALID'),
  invalidResource: (issues: OperationOutcomeIssue[]) => new FhirError(400, issues, 'FHIR_RESOURCE_INVALID'),
  unknownType: (type: string) =>
    new FhirError(404, [issue('not-supported', `Unknown resource type '${type}'`)], 'FHIR_UNKNOWN_TYPE'),
  notFound: (type: string, id: string) =>
    new FhirError(404, [issue('not-found', `${type}/${id} not found`)], 'FHIR_NOT_FOUND'),
  versionNotFound: (type: string, id: string, version: string) =>
    new FhirError(404, [issue('not-found', `${type}/${id}/_history/${version} not found`)], 'FHIR_VERSION_NOT_FOUND'),
  gone: (type: string, id: string) => new FhirError(410, [issue('deleted', `${type}/${id} was deleted`)], 'FHIR_GONE'),
  versionConflict: (type: string, id: string, expected: string, actual: number) =>
    new FhirError(
      412,
      [issue('conflict', `${type}/${id} is at version ${actual}, not ${expected}`)],
      'FHIR_VERSION_CONFLICT',
    ),
  concurrentWrite: (type: string, id: string) =>
    new FhirError(
      409,
      [issue('conflict', `${type}/${id} was changed by another request at the same time; retry`)],
      'FHIR_CONCURRENT_WRITE',
    ),
  multipleMatches: (what: string) =>
    new FhirError(412, [issue('multiple-matches', `${what} matched more than one resource`)], 'FHIR_MULTIPLE_MATCHES'),
  notSupported: (diagnostics: string, expression?: string) =>
    new FhirError(400, [issue('not-supported', diagnostics, expression)], 'FHIR_NOT_SUPPORTED'),
  methodNotAllowed: (diagnostics: string) =>
    new FhirError(405, [issue('not-supported', diagnostics)], 'FHIR_METHOD_NOT_ALLOWED'),
  unsupportedMediaType: (type: string) =>
    new FhirError(
      415,
      [issue('not-supported', `Content type '${type}' is not supported; send application/fhir+json`)],
      'FHIR_UNSUPPORTED_MEDIA_TYPE',
    ),
  notAcceptable: (type: string) =>
    new FhirError(
      406,
      [issue('not-supported', `Cannot answer as '${type}'; this server speaks application/fhir+json`)],
      'FHIR_NOT_ACCEPTABLE',
    ),
  preconditionRequired: (diagnostics: string) =>
    new FhirError(428, [issue('required', diagnostics)], 'FHIR_PRECONDITION_REQUIRED'),
  tooCostly: (diagnostics: string) => new FhirError(400, [issue('too-costly', diagnostics)], 'FHIR_TOO_COSTLY'),
  referentialIntegrity: (diagnostics: string, expression?: string) =>
    new FhirError(409, [issue('conflict', diagnostics, expression)], 'FHIR_REFERENTIAL_INTEGRITY'),
};

export function informational(diagnostics: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics }],
  };
}
