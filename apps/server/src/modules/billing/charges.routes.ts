import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { billingCallerOf } from './billing.context';
import { parseBillingInput, referenceTo, resourceId } from './billing.schemas';
import { type ChargesService, chargeBody, encounterChargesBody, voidBody } from './charges';

const TAGS = ['billing'];
const config = { access: 'billing' };
type WithId = { Params: { id: string } };

export function registerChargeRoutes(app: FastifyInstance, charges: ChargesService): void {
  app.post(
    '/billing/charges',
    { config, schema: { tags: TAGS, summary: 'Enter a charge by hand (FHIR ChargeItem), priced from the catalog' } },
    async (request, reply) =>
      reply.code(201).send(await charges.create(billingCallerOf(request), parseBillingInput(chargeBody, request.body))),
  );
  app.post<WithId>(
    '/billing/encounters/:id/charges',
    { config, schema: { tags: TAGS, summary: 'Charge the services rendered at a visit (all or none)' } },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await charges.fromEncounter(
            billingCallerOf(request),
            parseBillingInput(resourceId, request.params.id),
            parseBillingInput(encounterChargesBody, request.body),
          ),
        ),
  );
  app.get(
    '/billing/charges',
    { config, schema: { tags: TAGS, summary: 'Charges of an encounter or a patient (status to filter)' } },
    async (request) => {
      const query = parseBillingInput(
        z.object({
          encounter: referenceTo('Encounter').optional(),
          patient: referenceTo('Patient').optional(),
          status: z.enum(['planned', 'billable', 'not-billable', 'aborted', 'billed', 'entered-in-error']).optional(),
        }),
        request.query,
      );
      const filter = {
        ...(query.encounter ? { encounter: query.encounter } : {}),
        ...(query.patient ? { patient: query.patient } : {}),
        ...(query.status ? { status: query.status } : {}),
      };
      return charges.list(billingCallerOf(request).ctx, filter);
    },
  );
  app.post<WithId>(
    '/billing/charges/:id/confirm',
    { config, schema: { tags: TAGS, summary: 'Confirm a provisional charge (the visit took place)' } },
    async (request) => {
      const body = parseBillingInput(z.object({ encounter: referenceTo('Encounter').optional() }), request.body);
      return charges.confirm(
        billingCallerOf(request),
        parseBillingInput(resourceId, request.params.id),
        body.encounter,
      );
    },
  );
  app.post<WithId>(
    '/billing/charges/:id/void',
    { config, schema: { tags: TAGS, summary: 'Void a charge not yet invoiced (reversed in the ledger)' } },
    async (request) =>
      charges.void(
        billingCallerOf(request),
        parseBillingInput(resourceId, request.params.id),
        parseBillingInput(voidBody, request.body).reason,
      ),
  );
}
