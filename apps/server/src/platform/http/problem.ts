/**
 * Errors of the platform's own (non-FHIR) APIs. The one error handler turns them into a JSON problem
 * body (RFC 9457 shape) carrying the code and the request id; every code is listed in docs/errors.md.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  requestId: string;
  [extra: string]: unknown;
}

export function problemBody(
  status: number,
  code: string,
  detail: string,
  requestId: string,
  extra: Record<string, unknown> = {},
): ProblemBody {
  return { type: 'about:blank', title: titleFor(status), status, code, detail, requestId, ...extra };
}

function titleFor(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Content',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return titles[status] ?? 'Error';
}
