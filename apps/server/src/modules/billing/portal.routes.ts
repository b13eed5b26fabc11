import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../audit';
import { billingCallerOf } from './billing.context';
import { parseBillingInput, resourceId } from './billing.schemas';
import { checkIdempotencyKey } from './idempotency.store';
import { type PortalBillingService, portalPaymentBody } from './portal';

const TAGS = ['billing'];
// A patient acting for themselves; each handler binds the call to the caller's own patient record.
const config = { access: 'patient-self' };

const minor = (description: string) => ({ type: 'integer', description: `${description} (minor units)` });

/** `GET /billing/portal/invoices` as the OpenAPI document shows it (see PortalInvoice in portal.balance.ts). */
const invoicesResponse = {
  type: 'object',
  required: ['invoices'],
  properties: {
    invoices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'kind', 'status', 'currency', 'total', 'paid', 'credited', 'openBalance', 'insurer'],
        properties: {
          id: { type: 'string' },
          kind: { type: 'string', enum: ['invoice', 'credit-note'] },
          status: { type: 'string', description: 'The FHIR Invoice status: issued, balanced or cancelled' },
          date: { type: 'string', format: 'date-time' },
          currency: { type: 'string' },
          total: minor('What the invoice came to; negative for a credit note'),
          paid: minor("The patient's own payments on it, less refunds"),
          credited: minor('What credit notes took off it'),
          openBalance: minor('What the patient still owes on it'),
          insurer: {
            type: 'object',
            description:
              'What claims on it asked insurers to pay; the patient does not owe it. An invoice with ' +
              'openBalance 0 and insurer.expected above 0 is with the insurer, not paid.',
            required: ['expected', 'paid', 'adjusted'],
            properties: {
              expected: minor('Claimed and not answered yet: the insurer is expected to pay it'),
              paid: minor('What insurers paid'),
              adjusted: minor("What the insurer's agreement took off (contractual adjustments)"),
            },
          },
          payable: { type: 'boolean', description: 'Whether the patient may pay it now' },
          lineCount: { type: 'integer' },
        },
      },
    },
  },
};

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
        response: { 200: invoicesResponse },
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
