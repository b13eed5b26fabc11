import type { FastifyError, FastifyInstance } from 'fastify';
import { FhirError } from '../../fhir/core/outcome';
import { AppError, problemBody } from './problem';

const REQUEST_ID_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/request-id';

/** Codes for errors that did not come from Meridian's own typed errors (body parsing, limits, ...). */
function genericCode(status: number): string {
  if (status === 404) return problemCode('NOT_FOUND');
  if (status === 413) return problemCode('PAYLOAD_TOO_LARGE');
  if (status === 415) return problemCode('UNSUPPORTED_MEDIA_TYPE');
  if (status === 429) return problemCode('RATE_LIMITED');
  if (status >= 500) return problemCode('INTERNAL');
  return problemCode('BAD_REQUEST');
}

function problemCode<T extends string>(code: T): T {
  return code;
}

function isFhirPath(url: string): boolean {
  return url.startsWith('/fhir/');
}

/**
 * The one place errors become HTTP answers: FHIR routes get an OperationOutcome, the rest a JSON problem
 * body; both carry the request id. Unexpected errors are logged (without bodies) and answered as 500.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | FhirError | AppError, request, reply) => {
    const fhir = isFhirPath(request.url);
    if (error instanceof FhirError) {
      return reply
        .code(error.status)
        .type('application/fhir+json; charset=utf-8')
        .send({ ...error.outcome, extension: [{ url: REQUEST_ID_EXTENSION, valueString: request.id }] });
    }
    if (error instanceof AppError) {
      return reply
        .code(error.status)
        .type('application/problem+json')
        .send(problemBody(error.status, error.code, error.message, request.id, error.details));
    }
    const fastifyError = error as FastifyError;
    const status = fastifyError.statusCode && fastifyError.statusCode < 500 ? fastifyError.statusCode : 500;
    const code = genericCode(status);
    const detail =
      status === 500 ? 'An unexpected error occurred; the request id identifies it in the logs' : error.message;
    if (status === 500) {
      request.log.error(
        { err: { message: error.message, stack: error.stack, code: fastifyError.code } },
        'request failed',
      );
    }
    if (fhir) {
      const issueCode = status === 500 ? 'exception' : status === 413 ? 'too-long' : 'invalid';
      return reply
        .code(status)
        .type('application/fhir+json; charset=utf-8')
        .send({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: issueCode, diagnostics: detail }],
          extension: [{ url: REQUEST_ID_EXTENSION, valueString: request.id }],
        });
    }
    return reply
      .code(status)
      .type('application/problem+json')
      .send(problemBody(status, code, detail, request.id));
  });

  app.setNotFoundHandler((request, reply) => {
    const detail = `No route for ${request.method} ${request.url.split('?')[0]}`;
    if (isFhirPath(request.url)) {
      return reply
        .code(404)
        .type('application/fhir+json; charset=utf-8')
        .send({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'not-found', diagnostics: detail }],
          extension: [{ url: REQUEST_ID_EXTENSION, valueString: request.id }],
        });
    }
    return reply
      .code(404)
      .type('application/problem+json')
      .send(problemBody(404, problemCode('NOT_FOUND'), detail, request.id));
  });
}
