import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../../platform/db';
import { billingCallerOf } from './billing.context';
import { billingErrors } from './billing.errors';
import { parseBillingInput, resourceId } from './billing.schemas';
import { type PaymentGateway, SIGNATURE_HEADER, verifyWebhook } from './gateway';
import { checkIdempotencyKey } from './idempotency.store';
import type { LedgerStore } from './ledger.store';
import { type PaymentsService, paymentBody, refundBody } from './payments';

const TAGS = ['billing'];
const config = { access: 'billing' };
type WithId = { Params: { id: string } };

const webhookEvent = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  data: z.object({
    charge: z.string().min(1).max(200),
    amount: z.number().int().positive().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    metadata: z.object({ tenant: z.uuid() }),
  }),
});

export function registerPaymentRoutes(
  app: FastifyInstance,
  payments: PaymentsService,
  deps: { db: Database; ledger: LedgerStore; gateway: PaymentGateway; now: () => Date },
): void {
  app.post(
    '/billing/payments',
    {
      config,
      schema: {
        tags: TAGS,
        summary: 'Take a cash or card payment (Idempotency-Key header required; a retry returns the first answer)',
      },
    },
    async (request, reply) => {
      const key = checkIdempotencyKey(request.headers['idempotency-key']);
      const input = parseBillingInput(paymentBody, request.body);
      const result = await payments.pay(billingCallerOf(request), key, input);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(result.status).send(result.response);
    },
  );
  app.post<WithId>(
    '/billing/payments/:id/refunds',
    { config, schema: { tags: TAGS, summary: 'Refund part or all of a payment (Idempotency-Key header required)' } },
    async (request, reply) => {
      const key = checkIdempotencyKey(request.headers['idempotency-key']);
      const id = parseBillingInput(resourceId, request.params.id);
      const input = parseBillingInput(refundBody, request.body);
      const result = await payments.refund(billingCallerOf(request), key, id, input);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(result.status).send(result.response);
    },
  );
  app.get<WithId>(
    '/billing/payments/:id',
    { config, schema: { tags: TAGS, summary: 'One payment or refund' } },
    async (request) => payments.read(request.tenantId, parseBillingInput(resourceId, request.params.id)),
  );
  app.get(
    '/billing/payments',
    { config, schema: { tags: TAGS, summary: 'Payments and refunds of a patient or an invoice' } },
    async (request) =>
      payments.list(
        request.tenantId,
        parseBillingInput(z.object({ patient: resourceId.optional(), invoice: resourceId.optional() }), request.query),
      ),
  );

  // The gateway's webhooks: authenticated by their signature over the exact bytes sent, so this route
  // reads its body as text.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post(
      '/billing/gateway/webhooks',
      {
        config: { access: 'public' },
        schema: {
          tags: TAGS,
          summary: "Payment gateway events (settlements, refunds), signed with the gateway's secret",
        },
      },
      async (request) => {
        const body = typeof request.body === 'string' ? request.body : '';
        const signature = request.headers[SIGNATURE_HEADER];
        if (
          !verifyWebhook(
            deps.gateway.webhookSecret,
            body,
            typeof signature === 'string' ? signature : undefined,
            deps.now(),
          )
        ) {
          throw billingErrors.invalidSignature();
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          throw billingErrors.invalidRequest('The webhook body is not JSON');
        }
        const event = parseBillingInput(webhookEvent, parsed);
        const tenantId = event.data.metadata.tenant;
        return deps.db.transaction(tenantId, async (tx) => {
          const fresh = await tx.query(
            `INSERT INTO billing_gateway_event (tenant_id, id, type, charge) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING RETURNING id`,
            [tenantId, event.id, event.type, event.data.charge],
          );
          if (fresh.rowCount === 0) return { received: true, duplicate: true };
          if (event.type === 'charge.settled') {
            const payment = await payments.byGatewayCharge(tx, tenantId, event.data.charge);
            if (payment) {
              // The gateway paid the card money out to the clinic's bank account.
              await deps.ledger.post(tx, tenantId, {
                kind: 'settlement',
                occurredAt: deps.now().toISOString(),
                currency: payment.currency,
                source: `Payment/${payment.id}`,
                memo: `gateway event ${event.id}`,
                lines: [
                  { account: 'bank', amount: payment.amount },
                  { account: 'card-clearing', amount: -payment.amount },
                ],
              });
            }
          }
          return { received: true, duplicate: false };
        });
      },
    );
  });
}
