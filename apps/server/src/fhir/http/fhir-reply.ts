import type { Resource } from '@medplum/fhirtypes';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { weakEtag } from '../core/ids';
import { fhirErrors, informational } from '../core/outcome';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

function preferences(request: FastifyRequest): Map<string, string> {
  const header = request.headers.prefer;
  const found = new Map<string, string>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(/[,;]/)) {
    const [key, value] = part.split('=').map((piece) => piece.trim().replace(/^"|"$/g, ''));
    if (key) found.set(key, value ?? '');
  }
  return found;
}

export function returnPreference(request: FastifyRequest): ReturnPreference {
  const value = preferences(request).get('return');
  return value === 'minimal' || value === 'OperationOutcome' ? value : 'representation';
}

export function handlingPreference(request: FastifyRequest): 'strict' | 'lenient' {
  return preferences(request).get('handling') === 'strict' ? 'strict' : 'lenient';
}

/** JSON is all this server speaks; a client that insists on XML (or anything else) is told so. */
export function checkAcceptable(request: FastifyRequest): void {
  const format = (request.query as Record<string, unknown> | undefined)?._format;
  if (typeof format === 'string' && format && !/json/i.test(format)) throw fhirErrors.notAcceptable(format);
  const accept = request.headers.accept;
  if (!accept) return;
  const acceptable = accept
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '')
    .some((type) => type === '*/*' || type === 'application/*' || type.includes('json') || type === '');
  if (!acceptable) throw fhirErrors.notAcceptable(accept);
}

/** Headers every served resource version carries. */
export function versionHeaders(reply: FastifyReply, resource: { meta?: { versionId?: string; lastUpdated?: string } }) {
  if (resource.meta?.versionId) reply.header('etag', weakEtag(resource.meta.versionId));
  if (resource.meta?.lastUpdated) reply.header('last-modified', new Date(resource.meta.lastUpdated).toUTCString());
}

/** Answers a write honouring `Prefer: return=`. */
export function sendWritten(
  request: FastifyRequest,
  reply: FastifyReply,
  resource: Resource,
  status: number,
  location: string | undefined,
  message: string,
) {
  versionHeaders(reply, resource);
  if (location) reply.header('location', location);
  reply.code(status).type(FHIR_JSON);
  switch (returnPreference(request)) {
    case 'minimal':
      return reply.send();
    case 'OperationOutcome':
      return reply.send(informational(message));
    default:
      return reply.send(resource);
  }
}
