import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditErrors } from './audit.errors';
import { parseFilter, sendAuditRecords } from './audit.routes';
import type { AuditService } from './audit.service';
import type { AuditFilter } from './audit.store';

/** The standing reports a security officer asks for, each a fixed filter over the trail. */
const REPORTS: Record<
  string,
  { summary: string; filter: (query: Record<string, string | undefined>) => Partial<AuditFilter> }
> = {
  'patient-access': {
    summary: 'Every access to one patient’s data (patient=, required)',
    filter: (query) => {
      if (!query.patient) throw auditErrors.invalidQuery('patient is required: the patient’s id', 'patient');
      return {};
    },
  },
  'user-activity': {
    summary: 'Everything one user or client did (user=, required)',
    filter: (query) => {
      if (!query.user) throw auditErrors.invalidQuery('user is required: a user id or client id', 'user');
      return {};
    },
  },
  'break-the-glass': {
    summary: 'Emergency access (purpose of use BTG) and its grants',
    filter: () => ({ purposeOfUse: 'BTG' }),
  },
  'failed-logins': {
    summary: 'Failed sign-ins (wrong password, unknown user, locked account, wrong client secret)',
    filter: () => ({ actions: ['login-failed'] }),
  },
  'bulk-exports': {
    summary: 'Bulk data exports: kick-offs, status checks, cancellations and file downloads',
    filter: () => ({ actionPrefix: 'operation:export' }),
  },
};

export const AUDIT_REPORTS = Object.keys(REPORTS);

/**
 * `GET /audit/reports/{report}`: patient-access, user-activity, break-the-glass, failed-logins and
 * bulk-exports, as a Bundle of AuditEvent or CSV (`_format=csv`), narrowed by patient, user, from and to.
 */
export function registerAuditReports(app: FastifyInstance, audit: AuditService): void {
  app.get(
    '/audit/reports/:report',
    {
      config: { access: 'audit-read' },
      schema: {
        tags: ['audit'],
        summary: `Audit reports of the caller’s tenant: ${AUDIT_REPORTS.join(', ')} (Bundle of AuditEvent, or CSV with _format=csv)`,
        params: {
          type: 'object',
          properties: { report: { type: 'string' } },
          required: ['report'],
        },
        querystring: {
          type: 'object',
          properties: {
            patient: { type: 'string' },
            user: { type: 'string' },
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
      const { report } = request.params as { report: string };
      const query = request.query as Record<string, string | undefined>;
      const definition = REPORTS[report];
      if (!definition) throw auditErrors.invalidQuery(`Unknown report; one of ${AUDIT_REPORTS.join(', ')}`, 'report');
      const { action: _action, outcome: _outcome, ...rest } = query;
      const filter = { ...parseFilter(rest), ...definition.filter(query) };
      const records = await audit.search(request.tenantId, filter);
      return sendAuditRecords(request, reply, records, `audit-${report}`);
    },
  );
}
