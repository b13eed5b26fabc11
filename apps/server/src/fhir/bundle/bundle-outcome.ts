import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { FhirError, issue } from '../core/outcome';
import { entryPath } from './bundle-entry';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  428: 'Precondition Required',
  500: 'Internal Server Error',
};

/** `201 Created`, as Bundle.entry.response.status writes it. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ''}`.trim();
}

/**
 * An issue's expression made to point into the Bundle: `Patient.birthDate` found in entry 3 becomes
 * `Bundle.entry[3].resource.birthDate`; an issue without a path names the entry itself.
 */
function relocate(
  found: OperationOutcomeIssue,
  index: number,
  resourceType: string | undefined,
): OperationOutcomeIssue {
  const base = entryPath(index);
  const expressions = found.expression?.map((expression) => {
    if (expression.startsWith('Bundle.entry[')) return expression;
    if (resourceType && (expression === resourceType || expression.startsWith(`${resourceType}.`))) {
      return `${base}.resource${expression.slice(resourceType.length)}`;
    }
    if (/^[A-Z]/.test(expression)) return `${base}.resource${expression.replace(/^[A-Za-z]+/, '')}`;
    return `${base}.resource.${expression}`;
  });
  return { ...found, expression: expressions?.length ? expressions : [base] };
}

/** The error of one entry, with every issue's expression naming that entry. */
export function errorAtEntry(error: unknown, index: number, resourceType?: string): FhirError {
  const failure = asFhirError(error);
  return new FhirError(
    failure.status,
    failure.issues.map((found) => relocate(found, index, resourceType)),
    failure.errorCode,
  );
}

const CONCURRENCY_CODES = new Set(['40001', '40P01', '23505']);

/**
 * Database errors a concurrent writer can cause (serialisation failure, deadlock, duplicate key) become
 * 409 so the client knows a retry may succeed; anything else is a server fault and stays a plain error.
 */
export function asFhirError(error: unknown): FhirError {
  if (error instanceof FhirError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && CONCURRENCY_CODES.has(code)) {
    return new FhirError(
      409,
      [issue('conflict', 'Another request changed the same resources at the same time; retry')],
      'FHIR_CONCURRENT_WRITE',
    );
  }
  throw error;
}
