import type { Claim, Invoice } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import { memberFhirUser } from '../identity';
import type { BillingCaller } from './billing.context';
import { billingErrors } from './billing.errors';
import { minorAmount } from './billing.schemas';
import { CLAIM_INVOICE_EXTENSION } from './claims';
import type { LedgerStore } from './ledger.store';
import type { PaymentsService } from './payments';
import { type InsurerShare, type PortalInvoice, portalInvoices } from './portal.balance';
import { insurerShares, lockPatientAccount, paidPerInvoice } from './portal.store';

/** A patient's card payment on one of their invoices: the amount, and the card as the gateway's token. */
export const portalPaymentBody = z.object({
  amount: minorAmount,
  method: z.literal('card', { error: 'only card payments are taken here' }).default('card'),
  card: z.object({ token: z.string().min(1).max(200) }),
});

const SEARCH_BASE = 'urn:meridian:billing';

/**
 * The patient portal's billing: a signed-in patient's own invoices with what is open on each, and card
 * payments on them through the billing desk's payment service (same Idempotency-Key handling, gateway,
 * ledger postings and audit). Everything is bound to the caller's own patient record.
 */
export class PortalBillingService {
  constructor(
    private readonly deps: {
      db: Database;
      repository: FhirRepository;
      search: SearchService;
      ledger: LedgerStore;
      payments: PaymentsService;
      audit: AuditService;
    },
  ) {}

  /**
   * The Patient the caller is, as the access policy sees it: the SMART launch patient, else their
   * `fhirUser` (from the token, or their membership for sign-ins whose token does not carry it).
   */
  async patientOf(request: FastifyRequest): Promise<string> {
    const principal = request.principal;
    if (!principal) throw billingErrors.noPatientRecord();
    const fhirUser =
      principal.fhirUser ??
      (principal.userId
        ? await this.deps.db.withTenant(principal.tenantId, (db) =>
            memberFhirUser(db, principal.tenantId, principal.userId!),
          )
        : undefined);
    const patient = principal.patient ?? (fhirUser?.startsWith('Patient/') ? fhirUser.slice(8) : undefined);
    if (!patient) throw billingErrors.noPatientRecord();
    return patient;
  }

  /** The patient's invoices and credit notes (drafts left out), newest first, each with its open balance. */
  async invoices(caller: BillingCaller, patientId: string): Promise<PortalInvoice[]> {
    const rows = await this.deps.repository.inTransaction(caller.ctx, (tx) =>
      this.account({ ...caller.ctx, tx }, patientId),
    );
    // A read: committed before the answer, chained right after it.
    await this.deps.audit.recordAccess({
      tenantId: caller.ctx.tenantId,
      action: 'search',
      outcome: 'success',
      userId: caller.actor.userId,
      clientId: caller.actor.clientId,
      roles: caller.actor.roles,
      ip: caller.actor.ip,
      requestId: caller.actor.requestId,
      patientId,
      resourceType: 'Invoice',
      detail: 'portal invoices',
    });
    return rows;
  }

  /**
   * A card payment on one of the patient's own issued invoices, of at most its open balance. Another
   * patient's invoice is "not found", so ids do not tell whether it exists. The open balance is checked
   * on the payment's own transaction, under a per-patient lock, so two payments at once cannot together
   * pay more than is owed.
   */
  async pay(
    caller: BillingCaller,
    patientId: string,
    invoiceId: string,
    key: string,
    input: z.output<typeof portalPaymentBody>,
  ) {
    const invoice = await this.ownInvoice(caller.ctx, patientId, invoiceId);
    const currency = invoice.totalGross?.currency ?? 'USD';
    // Keys are the patient's own: another patient's key can neither collide with nor reveal theirs.
    const scopedKey = `portal:${patientId}:${key}`;
    return this.deps.payments.pay(
      caller,
      scopedKey,
      {
        patient: patientId,
        invoice: invoiceId,
        amount: input.amount,
        currency,
        method: 'card',
        card: { token: input.card.token },
      },
      {
        before: async (tx) => {
          await lockPatientAccount(tx, caller.ctx.tenantId, patientId);
          const rows = await this.account({ ...caller.ctx, tx }, patientId);
          // The invoice is the patient's (read above); the list leaves out drafts, which are not owed yet.
          const row = rows.find((candidate) => candidate.id === invoiceId);
          if (row?.kind === 'credit-note')
            throw billingErrors.conflict('invoice: a credit note is not paid', 'invoice');
          const status = row?.status ?? invoice.status;
          if (!row || status !== 'issued')
            throw billingErrors.conflict(`invoice: the invoice is ${status}, not open for payment`, 'invoice');
          if (row.openBalance === 0)
            throw billingErrors.conflict('invoice: nothing is owed on this invoice', 'invoice');
          if (input.amount > row.openBalance) throw billingErrors.amountOverBalance(row.openBalance, row.currency);
        },
      },
    );
  }

  /** The invoice, if it is one of this patient's that the caller may read; else "not found". */
  private async ownInvoice(ctx: FhirContext, patientId: string, invoiceId: string): Promise<Invoice> {
    let invoice: Invoice;
    try {
      invoice = (await this.deps.repository.read(ctx, 'Invoice', invoiceId)) as Invoice;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410))
        throw billingErrors.notFound(`Invoice/${invoiceId}`);
      throw error;
    }
    if (invoice.subject?.reference !== `Patient/${patientId}`) throw billingErrors.notFound(`Invoice/${invoiceId}`);
    return invoice;
  }

  /** The patient's invoices through the caller's access, with their payments and the ledger's receivable. */
  private async account(ctx: FhirContext & { tx: NonNullable<FhirContext['tx']> }, patientId: string) {
    const bundle = await this.deps.search.search(
      ctx,
      {
        resourceType: 'Invoice',
        params: [
          ['subject', `Patient/${patientId}`],
          ['_count', '1000'],
        ],
        handling: 'strict',
      },
      SEARCH_BASE,
    );
    const invoices = (bundle.entry ?? [])
      .map((entry) => entry.resource as Invoice | undefined)
      .filter((invoice): invoice is Invoice => invoice?.subject?.reference === `Patient/${patientId}`);
    const paid = await paidPerInvoice(ctx.tx, ctx.tenantId, patientId);
    const balances = await this.deps.ledger.partyBalances(ctx.tx, ctx.tenantId, `Patient/${patientId}`);
    const receivable = new Map(
      balances.filter((row) => row.account === 'patient-ar').map((row) => [row.currency, row.balance]),
    );
    return portalInvoices(invoices, paid, receivable, await this.insurerSharesOf(ctx, patientId));
  }

  /**
   * What claims on each of the patient's invoices left with insurers. Patients may not read Claims, so they
   * are found as the server's own work (no access guard): only their amounts per invoice reach the patient.
   */
  private async insurerSharesOf(ctx: FhirContext & { tx: NonNullable<FhirContext['tx']> }, patientId: string) {
    const bundle = await this.deps.search.search(
      { tenantId: ctx.tenantId, tx: ctx.tx },
      {
        resourceType: 'Claim',
        params: [
          ['patient', `Patient/${patientId}`],
          ['_count', '1000'],
        ],
        handling: 'strict',
      },
      SEARCH_BASE,
    );
    const invoiceOf = new Map<string, string>();
    for (const entry of bundle.entry ?? []) {
      const claim = entry.resource as Claim | undefined;
      const invoice = claim?.extension?.find((extension) => extension.url === CLAIM_INVOICE_EXTENSION)?.valueReference
        ?.reference;
      if (claim?.resourceType !== 'Claim' || !invoice?.startsWith('Invoice/')) continue;
      invoiceOf.set(`Claim/${claim.id}`, invoice.slice('Invoice/'.length));
    }
    const byInvoice = new Map<string, InsurerShare>();
    for (const [claim, share] of await insurerShares(ctx.tx, ctx.tenantId, [...invoiceOf.keys()])) {
      const invoice = invoiceOf.get(claim)!;
      const sum = byInvoice.get(invoice) ?? { expected: 0, paid: 0, adjusted: 0 };
      byInvoice.set(invoice, {
        expected: sum.expected + share.expected,
        paid: sum.paid + share.paid,
        adjusted: sum.adjusted + share.adjusted,
      });
    }
    return byInvoice;
  }
}
