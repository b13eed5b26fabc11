import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../audit';
import { billingCallerOf } from './billing.context';
import { parseBillingInput, resourceId } from './billing.schemas';
import { checkIdempotencyKey } from './idempotency.store';
import { type PortalBillingService, portalPaymentBody } from './portal';

const TAGS = ['billing'];
// A patient acting for themselves; each handler binds the call to the caller's own patient record.
const config = { access: 'patient-self' };

/**
 * The patient portal's billing API. It lives under /billing/portal because /portal/... are the web app's
 * own page addresses (a reload of /portal/invoices must get the page, not JSON).
 */
export function registerPortalBillingRoutes(
  app: FastifyInstance,
  portal: PortalBillingService,
  audit: AuditService,
): void {
  app.get(
    '/billing/portal/invoices',
    {
      config,
      schema: {
        tags: TAGS,
        summary: "The signed-in patient's own invoices and credit notes, newest first, each with its open balance",
      },
    },
    async (request) => {
      const patient = await portal.patientOf(request);
      return { invoices: await portal.invoices(billingCallerOf(request), patient) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/billing/portal/invoices/:id/payments',
    {
      config,
      schema: {
        tags: TAGS,
        summary:
          'Pay part or all of one of your own issued invoices by card ({ amount, card: { token } }; ' +
          'Idempotency-Key header required; a retry returns the first answer)',
      },
    },
    async (request, reply) => {
      const patient = await portal.patientOf(request);
      const caller = billingCallerOf(request);
      try {
        const key = checkIdempotencyKey(request.headers['idempotency-key']);
        const id = parseBillingInput(resourceId, request.params.id);
        const input = parseBillingInput(portalPaymentBody, request.body);
        const result = await portal.pay(caller, patient, id, key, input);
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(result.status).send(result.response);
      } catch (error) {
        // A payment that was not taken is on record too (a taken one records itself in its transaction).
        const status = (error as { status?: number }).status ?? 500;
        await audit.record({
          tenantId: caller.ctx.tenantId,
          action: 'payment-post',
          outcome: 'failure',
          userId: caller.actor.userId,
          roles: caller.actor.roles,
          ip: caller.actor.ip,
          requestId: caller.actor.requestId,
          patientId: patient,
          resourceType: 'Invoice',
          resourceId: resourceId.safeParse(request.params.id).success ? request.params.id : undefined,
          status,
          detail: (error as { code?: string }).code ?? 'error',
        });
        throw error;
      }
    },
  );
}
