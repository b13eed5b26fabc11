import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditOutcome, AuditRecord } from './audit.chain';
import { auditErrors } from './audit.errors';
import { auditBundle, auditCsv } from './audit.fhir';
import { callerOf, chainStagedOf, patientFromReference, patientOfResource } from './audit.http';
import { requestAuditScope } from './audit.scope';
import type { AuditService } from './audit.service';
import type { AuditFilter } from './audit.store';

const FHIR_BASE = '/fhir/R4';

/** What the HTTP layer knows about one FHIR interaction, worked out from the route pattern. */
export interface FhirInteraction {
  action: string;
  resourceType?: string;
  resourceId?: string;
}

/** Maps a matched FHIR route and its parameters to the interaction it carried out; undefined: not audited. */
export function fhirInteraction(
  method: string,
  routeUrl: string,
  params: Record<string, string | undefined>,
): FhirInteraction | undefined {
  if (!routeUrl.startsWith(FHIR_BASE)) return undefined;
  const path = routeUrl.slice(FHIR_BASE.length) || '/';
  const { type, id } = params;
  const typed = (action: string, withId = false): FhirInteraction => ({
    action,
    ...(type ? { resourceType: type } : {}),
    ...(withId && id ? { resourceId: id } : {}),
  });
  switch (path) {
    case '/metadata':
      return undefined;
    case '/':
      return { action: method === 'POST' ? 'transaction' : 'search' };
    case '/_history':
      return { action: 'history' };
    case '/:type':
      if (type?.startsWith('$')) return { action: `operation:${type.slice(1)}` };
      return typed({ GET: 'search', POST: 'create', PUT: 'update', DELETE: 'delete' }[method] ?? method.toLowerCase());
    case '/:type/_search':
      return typed('search');
    case '/:type/_history':
      return typed('history');
    case '/:type/:id':
      if (id?.startsWith('$')) return { ...typed(`operation:${id.slice(1)}`) };
      return typed(
        { GET: 'read', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? method.toLowerCase(),
        true,
      );
    case '/:type/:id/_history':
      return typed('history', true);
    case '/:type/:id/_history/:vid':
      return typed('vread', true);
    case '/:type/:id/:op':
      return { ...typed(`operation:${(params.op ?? '').replace(/^\$/, '')}`, true) };
    default: {
      // Plain routes of operations: bulk export status, cancel and file downloads.
      const operation = /^\/\$([A-Za-z][A-Za-z-]*)\//.exec(path);
      return { action: operation ? `operation:${operation[1]}` : method.toLowerCase() };
    }
  }
}

function patientOfQuery(url: string, resourceType: string | undefined): string | undefined {
  const index = url.indexOf('?');
  if (index < 0) return undefined;
  const query = new URLSearchParams(url.slice(index + 1));
  const direct = query.get('patient') ?? undefined;
  if (direct) return patientFromReference(direct) ?? (/^[A-Za-z0-9\-.]{1,64}$/.test(direct) ? direct : undefined);
  const subject = patientFromReference(query.get('subject'));
  if (subject) return subject;
  if (resourceType === 'Patient') return query.get('_id') ?? undefined;
  return undefined;
}

/** Interactions whose successful writes are recorded inside their own transaction (audit.http.ts). */
const WRITE_ACTIONS = new Set(['create', 'update', 'patch', 'delete', 'operation:meta-add', 'operation:meta-delete']);

interface Captured {
  resourceId?: string;
  patientId?: string;
}

/** What the answer itself says about the resource and its patient (single resources and Location only). */
function captureFromAnswer(reply: FastifyReply, payload: unknown): Captured {
  const found: Captured = {};
  if (reply.statusCode >= 300) return found;
  const location = reply.getHeader('location');
  if (typeof location === 'string') {
    const match = /\/([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})\/_history\//.exec(location);
    if (match) {
      found.resourceId = match[2]!;
      if (match[1] === 'Patient') found.patientId = match[2]!;
    }
  }
  // Search bundles take the patient from the query instead: parsing them would cost too much.
  if (typeof payload === 'string' && payload.length < 2_000_000 && !payload.startsWith('{"resourceType":"Bundle"')) {
    try {
      const resource = JSON.parse(payload) as Record<string, unknown>;
      if (resource && typeof resource === 'object' && resource.resourceType !== 'OperationOutcome') {
        if (typeof resource.id === 'string') found.resourceId ??= resource.id;
        found.patientId ??= patientOfResource(resource);
      }
    } catch {
      // Not JSON: nothing to learn from it.
    }
  }
  return found;
}

/**
 * Records every FHIR interaction as it is answered: who, which interaction on which type and id, the
 * patient when known, the status, the caller's address and purpose of use. Ids only. The record is
 * committed (staged) before the answer leaves, so a caller never holds data whose access is not yet on
 * record; it is chained in the background right after.
 */
export function registerFhirAuditHooks(app: FastifyInstance, audit: AuditService): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const url = request.routeOptions.url;
    if (!url?.startsWith(FHIR_BASE)) return payload;
    const interaction = fhirInteraction(request.method, url, request.params as Record<string, string | undefined>);
    if (!interaction) return payload;
    const scope = requestAuditScope.getStore();
    if (scope?.writes && WRITE_ACTIONS.has(interaction.action) && reply.statusCode < 400) {
      // The write's record was staged in its own transaction: chain it, do not record the write twice.
      await chainStagedOf(request, audit);
      return payload;
    }
    const seen = captureFromAnswer(reply, payload);
    const status = reply.statusCode;
    const outcome: AuditOutcome = status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure';
    const resourceId = interaction.resourceId ?? seen.resourceId;
    const patientId =
      (interaction.resourceType === 'Patient' ? resourceId : undefined) ??
      seen.patientId ??
      patientOfQuery(request.url, interaction.resourceType);
    try {
      // What the request staged itself (a Bundle's writes) is chained by the send hook, as for writes.
      await audit.recordAccess({
        ...callerOf(request),
        tenantId: request.tenantId,
        action: interaction.action,
        outcome,
        patientId,
        resourceType: interaction.resourceType,
        resourceId,
        status,
      });
    } catch (error) {
      // Fail closed: an answer whose access cannot be put on record is withheld, never sent unrecorded.
      request.log.error({ err: { message: (error as Error).message } }, 'audit record could not be written');
      for (const header of ['etag', 'last-modified', 'location', 'content-location']) reply.removeHeader(header);
      reply.code(500).type('application/fhir+json; charset=utf-8');
      return JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'exception',
            diagnostics: 'The access could not be recorded in the audit trail, so the answer is withheld; retry',
          },
        ],
      });
    }
    return payload;
  });
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Audit records as asked: CSV (`_format=csv` or an Accept of text/csv) as a download, else a Bundle of AuditEvent. */
export function sendAuditRecords(request: FastifyRequest, reply: FastifyReply, records: AuditRecord[], name: string) {
  const query = request.query as Record<string, string | undefined>;
  if (query._format === 'csv' || (request.headers.accept ?? '').includes('text/csv')) {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}.csv"`)
      .send(auditCsv(records));
  }
  return reply.type('application/fhir+json; charset=utf-8').send(auditBundle(records));
}

export function parseFilter(query: Record<string, string | undefined>): AuditFilter {
  const filter: AuditFilter = { limit: 100, offset: 0 };
  if (query.patient) filter.patientId = query.patient.replace(/^Patient\//, '');
  if (query.user) filter.userId = query.user;
  if (query.action) filter.action = query.action;
  if (query.outcome) {
    if (!['success', 'failure', 'denied'].includes(query.outcome)) {
      throw auditErrors.invalidQuery('outcome must be success, failure or denied', 'outcome');
    }
    filter.outcome = query.outcome;
  }
  for (const key of ['from', 'to'] as const) {
    const value = query[key];
    if (value === undefined) continue;
    if (!DATE.test(value) || Number.isNaN(Date.parse(value))) {
      throw auditErrors.invalidQuery(`${key} must be a date or an instant (ISO 8601)`, key);
    }
    filter[key] = new Date(value).toISOString();
  }
  for (const [key, target, max] of [
    ['_count', 'limit', 1000],
    ['_offset', 'offset', Number.MAX_SAFE_INTEGER],
  ] as const) {
    const value = query[key];
    if (value === undefined) continue;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0 || number > max) {
      throw auditErrors.invalidQuery(`${key} must be a whole number from 0 to ${max}`, key);
    }
    filter[target] = number;
  }
  return filter;
}

/** `GET /audit/events`: the tenant's audit trail as a Bundle of AuditEvent, or CSV. Newest first. */
export function registerAuditRoutes(app: FastifyInstance, audit: AuditService): void {
  app.get(
    '/audit/events',
    {
      config: { access: 'audit-read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit trail of the caller’s tenant as FHIR AuditEvents (Bundle) or CSV (_format=csv)',
        querystring: {
          type: 'object',
          properties: {
            patient: { type: 'string' },
            user: { type: 'string' },
            action: { type: 'string' },
            outcome: { type: 'string' },
            from: { type: 'string' },
            to: { type: 'string' },
            _count: { type: 'string' },
            _offset: { type: 'string' },
            _format: { type: 'string' },
          },
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const query = request.query as Record<string, string | undefined>;
      // Chains what the tenant has staged first: accesses answered a moment ago are listed.
      const records = await audit.search(request.tenantId, parseFilter(query));
      return sendAuditRecords(request, reply, records, 'audit-events');
    },
  );
}
