import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fhirContextOf } from '../../fhir';
import { parseBillingInput, resourceId } from './billing.schemas';
import { type CatalogService, catalogEntryBody } from './catalog';

const TAGS = ['billing'];
type WithId = { Params: { id: string } };

/**
 * The catalog is a set of FHIR definitions: the FHIR policy decides who edits it (tenant admins by
 * default) and who reads it (everyone who works with records).
 */
export function registerCatalogRoutes(app: FastifyInstance, catalog: CatalogService): void {
  const config = { access: 'fhir' };
  app.get(
    '/billing/catalog',
    { config, schema: { tags: TAGS, summary: 'Services and their prices (FHIR ChargeItemDefinition)' } },
    async (request) => {
      const query = parseBillingInput(z.object({ code: z.string().max(40).optional() }), request.query);
      return catalog.list(fhirContextOf(request), query);
    },
  );
  app.post(
    '/billing/catalog',
    { config, schema: { tags: TAGS, summary: 'Add a service: code, prices per price list, tax, validity dates' } },
    async (request, reply) =>
      reply
        .code(201)
        .send(await catalog.create(fhirContextOf(request), parseBillingInput(catalogEntryBody, request.body))),
  );
  app.get<WithId>(
    '/billing/catalog/:id',
    { config, schema: { tags: TAGS, summary: 'One service of the catalog' } },
    async (request) => catalog.read(fhirContextOf(request), parseBillingInput(resourceId, request.params.id)),
  );
  app.put<WithId>(
    '/billing/catalog/:id',
    { config, schema: { tags: TAGS, summary: "Change a service's prices, tax, dates or status" } },
    async (request) =>
      catalog.update(
        fhirContextOf(request),
        parseBillingInput(resourceId, request.params.id),
        parseBillingInput(catalogEntryBody, request.body),
      ),
  );
}
