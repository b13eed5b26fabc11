import type { Patient } from '@medplum/fhirtypes';
import type { FastifyInstance } from 'fastify';
import type { FhirRepository } from '../../fhir';
import { billingCallerOf } from './billing.context';
import { parseBillingInput, resourceId } from './billing.schemas';
import { invoicePdf } from './invoice.pdf';
import { creditNoteBody, type InvoicesService, invoiceBody } from './invoices';

const TAGS = ['billing'];
const config = { access: 'billing' };
type WithId = { Params: { id: string } };

export function registerInvoiceRoutes(
  app: FastifyInstance,
  invoices: InvoicesService,
  repository: FhirRepository,
): void {
  app.post(
    '/billing/invoices',
    {
      config,
      schema: { tags: TAGS, summary: "Invoice an encounter's or a patient's billable charges (FHIR Invoice)" },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await invoices.create(billingCallerOf(request), parseBillingInput(invoiceBody, request.body))),
  );
  app.get<WithId>(
    '/billing/invoices/:id',
    { config, schema: { tags: TAGS, summary: 'One invoice or credit note' } },
    async (request) => invoices.read(billingCallerOf(request).ctx, parseBillingInput(resourceId, request.params.id)),
  );
  app.post<WithId>(
    '/billing/invoices/:id/issue',
    { config, schema: { tags: TAGS, summary: 'Issue a draft invoice (it is immutable from then on)' } },
    async (request) => invoices.issue(billingCallerOf(request), parseBillingInput(resourceId, request.params.id)),
  );
  app.post<WithId>(
    '/billing/invoices/:id/credit-notes',
    { config, schema: { tags: TAGS, summary: 'Credit all or some lines of an issued invoice' } },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await invoices.creditNote(
            billingCallerOf(request),
            parseBillingInput(resourceId, request.params.id),
            parseBillingInput(creditNoteBody, request.body),
          ),
        ),
  );
  app.get<WithId>(
    '/billing/invoices/:id/pdf',
    { config, schema: { tags: TAGS, summary: 'The invoice as a printable PDF' } },
    async (request, reply) => {
      const { ctx } = billingCallerOf(request);
      const invoice = await invoices.read(ctx, parseBillingInput(resourceId, request.params.id));
      const reference = invoice.subject?.reference;
      const patient = reference?.startsWith('Patient/')
        ? ((await repository.read(ctx, 'Patient', reference.slice(8)).catch(() => undefined)) as Patient | undefined)
        : undefined;
      const pdf = await invoicePdf(invoice, patient, 'Meridian');
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="invoice-${invoice.id}.pdf"`)
        .send(pdf);
    },
  );
}
