import type { FastifyInstance } from 'fastify';
import { billingCallerOf } from './billing.context';
import { parseBillingInput, resourceId } from './billing.schemas';
import { type ClaimsService, claimBody, eligibilityBody, remittanceBody } from './claims';

const TAGS = ['billing'];
const config = { access: 'billing' };
type WithId = { Params: { id: string } };

export function registerClaimRoutes(app: FastifyInstance, claims: ClaimsService): void {
  app.post<WithId>(
    '/billing/coverages/:id/eligibility',
    { config, schema: { tags: TAGS, summary: "Record the payer's eligibility answer (CoverageEligibilityResponse)" } },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await claims.recordEligibility(
            billingCallerOf(request),
            parseBillingInput(resourceId, request.params.id),
            parseBillingInput(eligibilityBody, request.body),
          ),
        ),
  );
  app.post(
    '/billing/claims',
    { config, schema: { tags: TAGS, summary: 'Claim an issued invoice from the coverage’s payer (FHIR Claim)' } },
    async (request, reply) =>
      reply.code(201).send(await claims.create(billingCallerOf(request), parseBillingInput(claimBody, request.body))),
  );
  app.get<WithId>(
    '/billing/claims/:id',
    { config, schema: { tags: TAGS, summary: 'A claim and its status (submitted, paid, partially-paid, denied)' } },
    async (request) => claims.status(billingCallerOf(request).ctx, parseBillingInput(resourceId, request.params.id)),
  );
  app.get<WithId>(
    '/billing/claims/:id/837',
    { config, schema: { tags: TAGS, summary: 'The claim as an ANSI X12 837P (005010X222A1) interchange' } },
    async (request, reply) => {
      const text = await claims.x12(billingCallerOf(request).ctx, parseBillingInput(resourceId, request.params.id));
      return reply.header('content-type', 'application/edi-x12').send(text);
    },
  );
  app.post(
    '/billing/remittances',
    { config, schema: { tags: TAGS, summary: 'Import an X12 835 remittance: payments, adjustments and denials' } },
    async (request) =>
      claims.importRemittance(billingCallerOf(request), parseBillingInput(remittanceBody, request.body).x12),
  );
  app.get(
    '/billing/denials',
    { config, schema: { tags: TAGS, summary: 'Denied claims with their reasons, for rework' } },
    async (request) => claims.denials(billingCallerOf(request).ctx),
  );
}
