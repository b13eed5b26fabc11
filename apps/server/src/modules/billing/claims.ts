import { createHash, randomUUID } from 'node:crypto';
import type {
  Bundle,
  ChargeItem,
  Claim,
  ClaimResponse,
  Coverage,
  Organization,
  Patient,
  RelatedPerson,
} from '@medplum/fhirtypes';
import { z } from 'zod';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { AuditService } from '../audit';
import { auditBilling, type BillingCaller, type EventPublisher, recorderOf } from './billing.context';
import { billingErrors } from './billing.errors';
import { resourceId } from './billing.schemas';
import { ICD10CM, MODIFIER_EXTENSION } from './charges';
import type { InvoicesService } from './invoices';
import { invoiceMoney, patientIdOf } from './invoices';
import type { LedgerStore, PostingLine } from './ledger.store';
import { fromMinor, toMinor } from './money';
import type { PaymentsService } from './payments';
import { parse835 } from './x12.835';
import { type Claim837, generate837P, type Person } from './x12.837p';

export const PCN_SYSTEM = 'https://meridian.health/fhir/sid/claim-control-number';
export const REMITTANCE_SYSTEM = 'https://meridian.health/fhir/sid/remittance-claim';
export const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';
export const TAX_ID_SYSTEM = 'urn:oid:2.16.840.1.113883.4.4';
export const PAYER_ID_SYSTEM = 'https://meridian.health/fhir/sid/payer-id';
export const CARC_SYSTEM = 'https://x12.org/codes/claim-adjustment-reason-codes';
const CHARGE_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/claim-item-charge';
/** On a Claim: the Invoice it claims (the ledger's claim entries name only the Claim). */
export const CLAIM_INVOICE_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/claim-invoice';

export const claimBody = z.object({ invoice: resourceId, coverage: resourceId, provider: resourceId });
export const eligibilityBody = z.object({
  inforce: z.boolean(),
  benefitPeriodEnd: z.iso.date().optional(),
  note: z.string().trim().max(500).optional(),
});
export const remittanceBody = z.object({ x12: z.string().min(106).max(5_000_000) });

const SEARCH_BASE = 'urn:meridian:billing';

/** Coverage eligibility, claims (FHIR Claim and X12 837P), remittances (X12 835) and denials. */
export class ClaimsService {
  constructor(
    private readonly deps: {
      repository: FhirRepository;
      search: SearchService;
      audit: AuditService;
      ledger: LedgerStore;
      invoices: InvoicesService;
      payments: PaymentsService;
      events?: EventPublisher | undefined;
      now: () => Date;
    },
  ) {}

  /** Records what the payer answered about a coverage (by phone, portal or 271) as FHIR resources. */
  async recordEligibility(caller: BillingCaller, coverageId: string, input: z.output<typeof eligibilityBody>) {
    return this.deps.repository.inTransaction(caller.ctx, async (tx) => {
      const ctx = { ...caller.ctx, tx };
      const coverage = (await this.mustRead(ctx, 'coverage', 'Coverage', coverageId)) as Coverage;
      const insurer = coverage.payor?.[0]?.reference;
      if (!insurer?.startsWith('Organization/'))
        throw billingErrors.conflict('The coverage names no payer Organization', 'coverage');
      const patient = coverage.beneficiary.reference!;
      const created = this.deps.now().toISOString();
      const request = await this.deps.repository.create(ctx, {
        resourceType: 'CoverageEligibilityRequest',
        status: 'active',
        purpose: ['validation'],
        patient: { reference: patient },
        created,
        insurer: { reference: insurer },
        insurance: [{ focal: true, coverage: { reference: `Coverage/${coverageId}` } }],
      });
      const response = await this.deps.repository.create(ctx, {
        resourceType: 'CoverageEligibilityResponse',
        status: 'active',
        purpose: ['validation'],
        patient: { reference: patient },
        created,
        request: { reference: `CoverageEligibilityRequest/${request.id}` },
        outcome: 'complete',
        insurer: { reference: insurer },
        insurance: [
          {
            coverage: { reference: `Coverage/${coverageId}` },
            inforce: input.inforce,
            ...(input.benefitPeriodEnd ? { benefitPeriod: { end: input.benefitPeriodEnd } } : {}),
          },
        ],
        ...(input.note ? { disposition: input.note } : {}),
      });
      await auditBilling(this.deps.audit, tx, caller, {
        action: 'eligibility-record',
        resourceType: 'CoverageEligibilityResponse',
        resourceId: response.id!,
        patientId: patient.slice('Patient/'.length),
      });
      return response;
    });
  }

  /** A claim to the coverage's payer for an issued invoice; the payer's expected part moves to its receivable. */
  async create(caller: BillingCaller, input: z.output<typeof claimBody>): Promise<Claim> {
    return this.deps.repository.inTransaction(caller.ctx, async (tx) => {
      const ctx = { ...caller.ctx, tx };
      const invoice = await this.deps.invoices.read(ctx, input.invoice);
      if (invoice.status !== 'issued' && invoice.status !== 'balanced') {
        throw billingErrors.conflict(
          `Only an issued invoice can be claimed (this one is ${invoice.status})`,
          'invoice',
        );
      }
      const coverage = (await this.mustRead(ctx, 'coverage', 'Coverage', input.coverage)) as Coverage;
      const patient = invoice.subject!.reference!;
      if (coverage.beneficiary.reference !== patient)
        throw billingErrors.conflict('The coverage is of another patient', 'coverage');
      if (coverage.status !== 'active') throw billingErrors.conflict(`The coverage is ${coverage.status}`, 'coverage');
      const payer = coverage.payor?.[0]?.reference;
      if (!payer?.startsWith('Organization/'))
        throw billingErrors.conflict('The coverage names no payer Organization', 'coverage');
      await this.mustRead(ctx, 'provider', 'Organization', input.provider);
      const money = invoiceMoney(invoice);
      const diagnoses: string[] = [];
      const items: NonNullable<Claim['item']> = [];
      for (const [index, line] of money.lines.entries()) {
        const charge = (await this.deps.repository.read(
          ctx,
          'ChargeItem',
          line.charge!.slice('ChargeItem/'.length),
        )) as ChargeItem;
        const codes = (charge.reason ?? [])
          .flatMap((reason) => reason.coding ?? [])
          .filter((c) => c.system === ICD10CM);
        const pointers = codes.map((coding) => {
          let at = diagnoses.indexOf(coding.code!);
          if (at < 0) at = diagnoses.push(coding.code!) - 1;
          return at + 1;
        });
        const net = line.gross - line.discount;
        items.push({
          sequence: index + 1,
          extension: [{ url: CHARGE_EXTENSION, valueReference: { reference: line.charge! } }],
          productOrService: { coding: charge.code.coding ?? [] },
          modifier: (charge.extension ?? [])
            .filter((extension) => extension.url === MODIFIER_EXTENSION)
            .map((extension) => ({ coding: [extension.valueCoding!] })),
          servicedDate: (charge.occurrenceDateTime ?? invoice.date ?? '').slice(0, 10),
          quantity: { value: charge.quantity?.value ?? 1 },
          net: { value: fromMinor(net, money.currency), currency: money.currency as 'USD' },
          ...(pointers.length ? { diagnosisSequence: pointers } : {}),
        });
      }
      if (!diagnoses.length)
        throw billingErrors.conflict(
          'A professional claim needs at least one ICD-10-CM diagnosis on its charges',
          'invoice',
        );
      const total = money.gross - money.discount;
      const claim: Claim = {
        resourceType: 'Claim',
        identifier: [{ system: PCN_SYSTEM, value: randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase() }],
        status: 'active',
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
        use: 'claim',
        patient: { reference: patient },
        created: this.deps.now().toISOString(),
        insurer: { reference: payer },
        provider: { reference: `Organization/${input.provider}` },
        priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
        diagnosis: diagnoses.map((code, index) => ({
          sequence: index + 1,
          diagnosisCodeableConcept: { coding: [{ system: ICD10CM, code }] },
        })),
        insurance: [{ sequence: 1, focal: true, coverage: { reference: `Coverage/${input.coverage}` } }],
        item: items,
        total: { value: fromMinor(total, money.currency), currency: money.currency as 'USD' },
        extension: [{ url: CLAIM_INVOICE_EXTENSION, valueReference: { reference: `Invoice/${invoice.id}` } }],
      };
      const stored = (await this.deps.repository.create(ctx, claim)) as Claim;
      // The payer is now expected to pay what the patient still owes on it, up to the claim's total.
      const balances = await this.deps.ledger.partyBalances(tx, caller.ctx.tenantId, patient);
      const receivable =
        balances.find((row) => row.account === 'patient-ar' && row.currency === money.currency)?.balance ?? 0;
      const moved = Math.max(0, Math.min(total, receivable));
      if (moved > 0) {
        await this.deps.ledger.post(tx, caller.ctx.tenantId, {
          kind: 'claim',
          occurredAt: stored.created!,
          currency: money.currency,
          source: `Claim/${stored.id}`,
          recordedBy: recorderOf(caller.actor),
          lines: [
            { account: 'insurer-ar', party: payer, amount: moved },
            { account: 'patient-ar', party: patient, amount: -moved },
          ],
        });
      }
      await auditBilling(this.deps.audit, tx, caller, {
        action: 'claim-submit',
        resourceType: 'Claim',
        resourceId: stored.id!,
        patientId: patientIdOf({ subject: { reference: patient } }),
      });
      await this.deps.events?.publish(tx, caller.ctx.tenantId, {
        type: 'claim.submitted',
        version: 1,
        aggregate: { type: 'Claim', id: stored.id! },
        data: {
          claimId: stored.id,
          patientId: patient.slice('Patient/'.length),
          coverageId: input.coverage,
          payerId: payer.slice('Organization/'.length),
          invoiceId: invoice.id,
          total,
          currency: money.currency,
        },
      });
      return stored;
    });
  }

  /** The claim as an X12 837P interchange. */
  async x12(ctx: FhirContext, id: string, production = false): Promise<string> {
    const claim = (await this.mustRead(ctx, 'id', 'Claim', id)) as Claim;
    const coverage = (await this.deps.repository.read(
      ctx,
      'Coverage',
      claim.insurance[0]!.coverage.reference!.slice(9),
    )) as Coverage;
    const provider = (await this.deps.repository.read(
      ctx,
      'Organization',
      claim.provider.reference!.slice(13),
    )) as Organization;
    const payer = (await this.deps.repository.read(
      ctx,
      'Organization',
      claim.insurer!.reference!.slice(13),
    )) as Organization;
    const patient = (await this.deps.repository.read(ctx, 'Patient', claim.patient.reference!.slice(8))) as Patient;
    const relationship = coverage.relationship?.coding?.[0]?.code ?? 'self';
    const subscriberRef = coverage.subscriber?.reference;
    const subscriber =
      relationship !== 'self' && subscriberRef
        ? ((await this.deps.repository.read(ctx, subscriberRef.split('/')[0]!, subscriberRef.split('/')[1]!)) as
            | Patient
            | RelatedPerson)
        : patient;
    const identifier = (organization: Organization, system: string) =>
      organization.identifier?.find((entry) => entry.system === system)?.value ?? '';
    const currency = claim.total?.currency ?? 'USD';
    const minor = (value: number | undefined) => toMinor(value ?? 0, currency) ?? 0;
    const npi = identifier(provider, NPI_SYSTEM);
    const input: Claim837 = {
      control: Number.parseInt(createHash('sha256').update(claim.id!).digest('hex').slice(0, 7), 16) % 1_000_000_000,
      senderId: npi || 'MERIDIAN',
      receiverId: identifier(payer, PAYER_ID_SYSTEM) || 'PAYER',
      submitter: {
        name: provider.name ?? 'Meridian clinic',
        id: npi || 'MERIDIAN',
        contact: 'Billing office',
        phone: provider.telecom?.find((telecom) => telecom.system === 'phone')?.value ?? '0000000000',
      },
      receiver: { name: payer.name ?? 'Payer', id: identifier(payer, PAYER_ID_SYSTEM) },
      billingProvider: {
        name: provider.name ?? '',
        npi,
        taxId: identifier(provider, TAX_ID_SYSTEM),
        address: addressOf(provider.address?.[0]),
      },
      subscriber: {
        ...personOf(subscriber),
        memberId: coverage.subscriberId ?? '',
        group: coverage.class?.find((entry) => entry.type.coding?.[0]?.code === 'group')?.value,
      },
      ...(relationship !== 'self'
        ? {
            patient: {
              ...personOf(patient),
              relationship: relationship === 'spouse' ? '01' : relationship === 'child' ? '19' : 'G8',
            },
          }
        : {}),
      payer: { name: payer.name ?? '', id: identifier(payer, PAYER_ID_SYSTEM) },
      claim: {
        id: claim.identifier?.find((entry) => entry.system === PCN_SYSTEM)?.value ?? claim.id!.slice(0, 20),
        currency,
        diagnoses: (claim.diagnosis ?? []).map((entry) => entry.diagnosisCodeableConcept?.coding?.[0]?.code ?? ''),
        placeOfService: '11',
        lines: (claim.item ?? []).map((item) => ({
          code: item.productOrService.coding?.[0]?.code ?? '',
          modifiers: (item.modifier ?? []).map((modifier) => modifier.coding?.[0]?.code ?? '').filter(Boolean),
          amount: minor(item.net?.value),
          quantity: String(item.quantity?.value ?? 1),
          date: item.servicedDate ?? '',
          diagnosisPointers: item.diagnosisSequence ?? [1],
        })),
      },
      createdAt: new Date(claim.created),
      production,
    };
    return generate837P(input);
  }

  /** Posts an 835: each claim's payment and adjustments to the ledger, a ClaimResponse, denials with reasons. */
  async importRemittance(caller: BillingCaller, x12: string) {
    const remittance = parse835(x12);
    return this.deps.repository.inTransaction(caller.ctx, async (tx) => {
      const ctx = { ...caller.ctx, tx };
      const results: { claim: string; controlNumber: string; outcome: string; paid: number; duplicate?: boolean }[] =
        [];
      for (const [index, paid] of remittance.claims.entries()) {
        const claim = await this.byControlNumber(ctx, paid.controlNumber);
        if (!claim)
          throw billingErrors.invalidX12(
            `CLP01 of claim ${index + 1}: no claim has control number ${paid.controlNumber}`,
            'CLP',
          );
        const key = `${remittance.trace ?? ''}:${paid.controlNumber}:${index}`;
        if (await this.responded(ctx, key)) {
          results.push({
            claim: claim.id!,
            controlNumber: paid.controlNumber,
            outcome: 'duplicate',
            paid: paid.paid,
            duplicate: true,
          });
          continue;
        }
        const payer = claim.insurer!.reference!;
        const patient = claim.patient.reference!;
        const currency = claim.total?.currency ?? 'USD';
        const source = `Claim/${claim.id}`;
        const outstanding = await this.deps.ledger.sourceBalance(tx, caller.ctx.tenantId, source, 'insurer-ar');
        const denied = paid.status === '4';
        const adjusted = paid.adjustments
          .filter((adjustment) => adjustment.group !== 'PR')
          .reduce((sum, a) => sum + a.amount, 0);
        const lines: PostingLine[] = denied
          ? [
              // A denial sends what the payer was expected to pay back to the patient's account, for rework.
              { account: 'insurer-ar', party: payer, amount: -outstanding },
              { account: 'patient-ar', party: patient, amount: outstanding },
            ]
          : [
              { account: 'bank', amount: paid.paid },
              { account: 'contractual-adjustment', amount: adjusted },
              { account: 'insurer-ar', party: payer, amount: -outstanding },
              // What the payer neither paid nor adjusted is the patient's again (their responsibility).
              { account: 'patient-ar', party: patient, amount: outstanding - paid.paid - adjusted },
            ];
        const postedAt = this.deps.now().toISOString();
        const entry = lines.some((line) => line.amount !== 0)
          ? await this.deps.ledger.post(tx, caller.ctx.tenantId, {
              kind: denied ? 'denial' : 'remittance',
              occurredAt: postedAt,
              currency,
              source,
              memo: remittance.trace ? `835 trace ${remittance.trace}` : '835',
              recordedBy: recorderOf(caller.actor),
              lines,
            })
          : undefined;
        if (!denied && paid.paid > 0 && entry) {
          await this.deps.payments.recordInsurance(tx, caller, {
            id: randomUUID(),
            patient: patient.slice('Patient/'.length),
            payer,
            invoice: null,
            amount: paid.paid,
            applied: paid.paid,
            credited: 0,
            currency,
            gatewayCharge: null,
            refundOf: null,
            entry,
            receivedAt: postedAt,
          });
        }
        const outcome = denied
          ? 'error'
          : paid.paid < paid.charged - paid.adjustments.reduce((s, a) => s + a.amount, 0)
            ? 'partial'
            : 'complete';
        const response: ClaimResponse = {
          resourceType: 'ClaimResponse',
          identifier: [{ system: REMITTANCE_SYSTEM, value: key }],
          status: 'active',
          type: claim.type,
          use: 'claim',
          patient: claim.patient,
          created: postedAt,
          insurer: { reference: payer },
          request: { reference: source },
          outcome,
          disposition: denied ? 'Denied' : 'Processed',
          total: [
            {
              category: {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'submitted' }],
              },
              amount: { value: fromMinor(paid.charged, currency), currency: currency as 'USD' },
            },
            {
              category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'benefit' }] },
              amount: { value: fromMinor(paid.paid, currency), currency: currency as 'USD' },
            },
          ],
          ...(paid.paid > 0
            ? {
                payment: {
                  type: {
                    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/ex-paymenttype', code: 'complete' }],
                  },
                  amount: { value: fromMinor(paid.paid, currency), currency: currency as 'USD' },
                },
              }
            : {}),
          ...(paid.adjustments.length
            ? {
                error: paid.adjustments.map((adjustment) => ({
                  code: {
                    coding: [{ system: CARC_SYSTEM, code: `${adjustment.group}-${adjustment.reason}` }],
                    text: `${adjustment.group} ${adjustment.reason} ${fromMinor(adjustment.amount, currency)}`,
                  },
                })),
              }
            : {}),
        };
        const stored = await this.deps.repository.create(ctx, response);
        await auditBilling(this.deps.audit, tx, caller, {
          action: denied ? 'claim-denied' : 'claim-paid',
          resourceType: 'ClaimResponse',
          resourceId: stored.id!,
          patientId: patient.slice('Patient/'.length),
        });
        results.push({ claim: claim.id!, controlNumber: paid.controlNumber, outcome, paid: paid.paid });
      }
      return { payer: remittance.payer, total: remittance.total, trace: remittance.trace, claims: results };
    });
  }

  /** A claim with where it stands: submitted, paid, partially paid or denied (from its ClaimResponses). */
  async status(ctx: FhirContext, id: string) {
    const claim = (await this.mustRead(ctx, 'id', 'Claim', id)) as Claim;
    const responses = await this.responsesOf(ctx, [['request', `Claim/${id}`]]);
    const latest = responses.at(-1);
    const status = !latest
      ? 'submitted'
      : latest.outcome === 'error'
        ? 'denied'
        : latest.outcome === 'partial'
          ? 'partially-paid'
          : 'paid';
    return { claim, status, responses };
  }

  /** Denied claims with their adjustment reasons (CARC), for rework. */
  async denials(ctx: FhirContext) {
    const responses = (await this.responsesOf(ctx, [])).filter((response) => response.outcome === 'error');
    return responses.map((response) => ({
      claim: response.request?.reference,
      patient: response.patient.reference,
      payer: response.insurer.reference,
      deniedAt: response.created,
      reasons: (response.error ?? []).map((error) => ({ code: error.code.coding?.[0]?.code, text: error.code.text })),
    }));
  }

  private async responsesOf(ctx: FhirContext, params: [string, string][]): Promise<ClaimResponse[]> {
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      {
        resourceType: 'ClaimResponse',
        params: [...params, ['_count', '1000'], ['_sort', 'created']],
        handling: 'strict',
      },
      SEARCH_BASE,
    );
    return (bundle.entry ?? [])
      .map((entry) => entry.resource as ClaimResponse)
      .filter((r) => r?.resourceType === 'ClaimResponse');
  }

  private async byControlNumber(ctx: FhirContext, controlNumber: string): Promise<Claim | undefined> {
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      { resourceType: 'Claim', params: [['identifier', `${PCN_SYSTEM}|${controlNumber}`]], handling: 'strict' },
      SEARCH_BASE,
    );
    return bundle.entry?.map((entry) => entry.resource as Claim).find((r) => r?.resourceType === 'Claim');
  }

  private async responded(ctx: FhirContext, key: string): Promise<boolean> {
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      { resourceType: 'ClaimResponse', params: [['identifier', `${REMITTANCE_SYSTEM}|${key}`]], handling: 'strict' },
      SEARCH_BASE,
    );
    return (bundle.entry ?? []).some((entry) => entry.resource?.resourceType === 'ClaimResponse');
  }

  private async mustRead(ctx: FhirContext, path: string, type: string, id: string) {
    try {
      return await this.deps.repository.read(ctx, type, id);
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw billingErrors.referenceNotFound(path, `${type}/${id}`);
      }
      throw error;
    }
  }
}

function addressOf(address: { line?: string[]; city?: string; state?: string; postalCode?: string } | undefined) {
  return {
    line: address?.line?.join(' ') ?? '',
    city: address?.city ?? '',
    state: address?.state ?? '',
    postalCode: address?.postalCode ?? '',
  };
}

function personOf(person: Patient | RelatedPerson): Person {
  const name = person.name?.[0];
  return {
    family: name?.family ?? '',
    given: name?.given?.[0],
    birthDate: person.birthDate ?? '',
    gender: person.gender === 'female' ? 'F' : person.gender === 'male' ? 'M' : 'U',
    address: addressOf(person.address?.[0]),
  };
}
