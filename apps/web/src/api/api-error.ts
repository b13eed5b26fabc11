import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

const REQUEST_ID_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/request-id';

/** One problem the server reported, in the shape screens need: what went wrong and where. */
export interface ApiIssue {
  severity: OperationOutcomeIssue['severity'];
  code: string;
  message: string;
  /** FHIRPath of the offending element (`Patient.birthDate`) when the server named one. */
  expression?: string;
}

/**
 * A request the server refused or could not answer. Carries the request id so a person can quote it to
 * support and it can be found in the server's logs.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: ApiIssue[],
    readonly requestId: string | undefined,
    readonly code?: string,
    /** Extra fields of a problem body (`retryAfterSeconds`, `tenants`...). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The server could not be reached at all (offline, stopped, proxy down). */
  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function issueMessage(issue: OperationOutcomeIssue): string {
  return issue.details?.text ?? issue.diagnostics ?? issue.code;
}

export function issuesFromOutcome(outcome: OperationOutcome): ApiIssue[] {
  return (outcome.issue ?? []).map((issue) => ({
    severity: issue.severity,
    code: issue.code,
    message: issueMessage(issue),
    ...(issue.expression?.[0] ? { expression: issue.expression[0] } : {}),
  }));
}

function isOutcome(body: unknown): body is OperationOutcome {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { resourceType?: unknown }).resourceType === 'OperationOutcome'
  );
}

interface ProblemBody {
  code?: string;
  detail?: string;
  title?: string;
  requestId?: string;
  [extra: string]: unknown;
}

function isProblem(body: unknown): body is ProblemBody {
  return typeof body === 'object' && body !== null && ('detail' in body || 'title' in body);
}

/** Builds the error for a non-2xx answer from its body: a FHIR OperationOutcome or a JSON problem body. */
export function errorFromResponse(status: number, body: unknown, headerRequestId: string | null): ApiError {
  if (isOutcome(body)) {
    const issues = issuesFromOutcome(body);
    const fromBody = body.extension?.find((extension) => extension.url === REQUEST_ID_EXTENSION)?.valueString;
    const errors = issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
    const message = (errors.length ? errors : issues).map((issue) => issue.message).join('; ');
    return new ApiError(
      status,
      message || `The server answered ${status}`,
      issues,
      fromBody ?? headerRequestId ?? undefined,
    );
  }
  if (isProblem(body)) {
    const { code, detail, title, requestId, type: _type, status: _status, ...details } = body;
    const message = detail ?? title ?? `The server answered ${status}`;
    return new ApiError(
      status,
      message,
      [{ severity: 'error', code: code ?? 'error', message }],
      requestId ?? headerRequestId ?? undefined,
      code,
      details,
    );
  }
  const message = `The server answered ${status}`;
  return new ApiError(status, message, [{ severity: 'error', code: 'error', message }], headerRequestId ?? undefined);
}

export function networkError(requestId: string, cause: unknown): ApiError {
  const message = 'Cannot reach the Meridian server. Check your connection and try again.';
  const error = new ApiError(0, message, [{ severity: 'error', code: 'network', message }], requestId);
  error.cause = cause;
  return error;
}
