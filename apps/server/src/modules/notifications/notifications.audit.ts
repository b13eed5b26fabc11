import type { FastifyInstance } from 'fastify';
import { type AuditService, callerOf } from '../audit';

/** The audit action of each notifications route whose answer names a patient. */
const AUDITED: Record<string, string> = {
  'GET /patients/:id/notification-preferences': 'notification-preferences-read',
  'PUT /patients/:id/notification-preferences': 'notification-preferences-change',
  'GET /notifications/deliveries': 'notification-deliveries-read',
};

/**
 * Answers naming a patient (a patient's channel preferences, the delivery log's recipients) are put on
 * record before they leave (ids only); an answer whose access cannot be recorded is withheld.
 */
export function auditNotificationRoutes(app: FastifyInstance, audit: AuditService): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const action = AUDITED[`${request.method} ${request.routeOptions.url}`];
    if (!action) return payload;
    const status = reply.statusCode;
    const patientId = (request.params as { id?: string }).id;
    try {
      await audit.recordAccess({
        ...callerOf(request),
        tenantId: request.tenantId,
        action,
        outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
        patientId,
        resourceType: patientId ? 'Patient' : undefined,
        resourceId: patientId,
        status,
      });
    } catch (error) {
      request.log.error({ err: { message: (error as Error).message } }, 'audit record could not be written');
      reply.code(500).type('application/problem+json');
      return JSON.stringify({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        code: 'INTERNAL',
        detail: 'The access could not be recorded in the audit trail, so the answer is withheld; retry',
        requestId: request.id,
      });
    }
    return payload;
  });
}
