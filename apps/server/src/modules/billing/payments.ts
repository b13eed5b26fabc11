import { randomUUID } from 'node:crypto';
import type { Invoice } from '@medplum/fhirtypes';
import { z } from 'zod';
import { type FhirContext, FhirError, type FhirRepository } from '../../fhir';
import type { Database, Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import { auditBilling, type BillingCaller, type EventPublisher, recorderOf } from './billing.context';
import { billingErrors } from './billing.errors';
import { currency, minorAmount, resourceId } from './billing.schemas';
import type { PaymentGateway } from './gateway';
import { claimIdempotencyKey, completeIdempotencyKey, requestHash } from './idempotency.store';
import type { AccountCode } from './ledger.accounts';
import type { LedgerStore } from './ledger.store';

export const paymentBody = z
  .object({
    patient: resourceId,
    invoice: resourceId.optional(),
    amount: minorAmount,
    currency,
    method: z.enum(['cash', 'card']),
    card: z.object({ token: z.string().min(1).max(200) }).optional(),
  })
  .refine((body) => body.method !== 'card' || body.card, {
    message: 'a card payment needs card.token',
    path: ['card'],
  });
export const refundBody = z.object({ amount: minorAmount, reason: z.string().trim().min(1).max(500) });

export type PaymentInput = z.output<typeof paymentBody>;

export interface PaymentRow {
  id: string;
  kind: 'payment' | 'refund';
  method: string;
  patient: string | null;
  payer: string | null;
  invoice: string | null;
  amount: number;
  applied: number;
  credited: number;
  currency: string;
  gatewayCharge: string | null;
  refundOf: string | null;
  entry: string;
  receivedAt: string;
}

const CASH_ACCOUNT: Record<string, AccountCode> = {
  cash: 'cash',
  card: 'card-clearing',
  insurance: 'bank',
  credit: 'patient-credit',
};

/**
 * Payments and refunds. Each call is claimed under its Idempotency-Key, charged, posted to the ledger,
 * recorded and answered in one transaction: a retry gets the first answer, a crash leaves nothing.
 */
export class PaymentsService {
  constructor(
    private readonly deps: {
      db: Database;
      repository: FhirRepository;
      ledger: LedgerStore;
      audit: AuditService;
      gateway: PaymentGateway;
      events?: EventPublisher | undefined;
      now: () => Date;
    },
  ) {}

  /** Runs `work` once per key; later calls with the key answer what the first one answered. */
  private async idempotent<T>(
    caller: BillingCaller,
    key: string,
    operation: string,
    body: unknown,
    work: (tx: Queryable) => Promise<{ status: number; response: T }>,
  ): Promise<{ status: number; response: T; replayed: boolean }> {
    const tenantId = caller.ctx.tenantId;
    const hash = requestHash(operation, body);
    return this.deps.db.transaction(tenantId, async (tx) => {
      const claim = await claimIdempotencyKey(tx, tenantId, key, operation, hash);
      if (!claim.claimed) return { status: claim.status, response: claim.response as T, replayed: true };
      const result = await work(tx);
      await completeIdempotencyKey(tx, tenantId, key, result.status, result.response);
      return { ...result, replayed: false };
    });
  }

  /**
   * `options.before` runs on the payment's transaction once the key is claimed and before the card is
   * charged: a caller's own rule (the portal's "no more than the invoice's open balance") holds for the
   * payment it guards, and is not run again for a retry answered from the key.
   */
  async pay(
    caller: BillingCaller,
    key: string,
    input: PaymentInput,
    options: { before?: (tx: Queryable) => Promise<void> } = {},
  ) {
    return this.idempotent(caller, key, 'payment', input, async (tx) => {
      const tenantId = caller.ctx.tenantId;
      await options.before?.(tx);
      await this.patientExists({ ...caller.ctx, tx }, input.patient);
      if (input.invoice) await this.invoiceOf({ ...caller.ctx, tx }, input.invoice, input.patient);
      const id = randomUUID();
      let gatewayCharge: string | null = null;
      if (input.method === 'card') {
        const answer = await this.deps.gateway.charge({
          amount: input.amount,
          currency: input.currency,
          token: input.card!.token,
          idempotencyKey: `${tenantId}:${key}`,
          metadata: { tenant: tenantId, payment: id },
        });
        if (answer.status !== 'succeeded') throw billingErrors.paymentDeclined(answer.declineReason ?? 'declined');
        gatewayCharge = answer.id;
      }
      const party = `Patient/${input.patient}`;
      const balances = await this.deps.ledger.partyBalances(tx, tenantId, party);
      const receivable =
        balances.find((row) => row.account === 'patient-ar' && row.currency === input.currency)?.balance ?? 0;
      const applied = Math.min(input.amount, Math.max(receivable, 0));
      const credited = input.amount - applied;
      const receivedAt = this.deps.now().toISOString();
      const entry = await this.deps.ledger.post(tx, tenantId, {
        kind: 'payment',
        occurredAt: receivedAt,
        currency: input.currency,
        source: `Payment/${id}`,
        recordedBy: recorderOf(caller.actor),
        lines: [
          { account: CASH_ACCOUNT[input.method]!, amount: input.amount },
          { account: 'patient-ar', party, amount: -applied },
          { account: 'patient-credit', party, amount: -credited },
        ],
      });
      const payment = await this.insert(
        tx,
        tenantId,
        {
          id,
          kind: 'payment',
          method: input.method,
          patient: input.patient,
          payer: null,
          invoice: input.invoice ?? null,
          amount: input.amount,
          applied,
          credited,
          currency: input.currency,
          gatewayCharge,
          refundOf: null,
          entry,
          receivedAt,
        },
        caller,
      );
      return { status: 201, response: payment };
    });
  }

  /** Refunds part or all of a payment: from the patient's credit first, else reopening what they owe. */
  async refund(caller: BillingCaller, key: string, paymentId: string, input: z.output<typeof refundBody>) {
    return this.idempotent(caller, key, `refund:${paymentId}`, input, async (tx) => {
      const tenantId = caller.ctx.tenantId;
      const original = await this.find(tx, tenantId, paymentId);
      if (original?.kind !== 'payment') throw billingErrors.notFound(`Payment ${paymentId}`);
      if (original.method === 'insurance')
        throw billingErrors.conflict('Insurance payments are corrected by remittance, not refunded');
      const refunded = await this.refundedOf(tx, tenantId, paymentId);
      if (input.amount > original.amount - refunded) {
        throw billingErrors.conflict(
          `amount: only ${original.amount - refunded} minor units of this payment are left to refund`,
          'amount',
        );
      }
      const id = randomUUID();
      let gatewayCharge: string | null = null;
      if (original.method === 'card') {
        const answer = await this.deps.gateway.refund({
          charge: original.gatewayCharge!,
          amount: input.amount,
          idempotencyKey: `${tenantId}:${key}`,
        });
        if (answer.status !== 'succeeded')
          throw billingErrors.paymentDeclined(answer.declineReason ?? 'refund refused');
        gatewayCharge = answer.id;
      }
      const party = `Patient/${original.patient}`;
      const balances = await this.deps.ledger.partyBalances(tx, tenantId, party);
      const credit = -(
        balances.find((row) => row.account === 'patient-credit' && row.currency === original.currency)?.balance ?? 0
      );
      const fromCredit = Math.min(input.amount, Math.max(credit, 0));
      const receivedAt = this.deps.now().toISOString();
      const entry = await this.deps.ledger.post(tx, tenantId, {
        kind: 'refund',
        occurredAt: receivedAt,
        currency: original.currency,
        source: `Payment/${id}`,
        memo: input.reason,
        recordedBy: recorderOf(caller.actor),
        lines: [
          { account: 'patient-credit', party, amount: fromCredit },
          { account: 'patient-ar', party, amount: input.amount - fromCredit },
          { account: CASH_ACCOUNT[original.method]!, amount: -input.amount },
        ],
      });
      const refund = await this.insert(
        tx,
        tenantId,
        {
          id,
          kind: 'refund',
          method: original.method,
          patient: original.patient,
          payer: null,
          invoice: original.invoice,
          amount: input.amount,
          applied: input.amount - fromCredit,
          credited: fromCredit,
          currency: original.currency,
          gatewayCharge,
          refundOf: paymentId,
          entry,
          receivedAt,
        },
        caller,
      );
      return { status: 201, response: refund };
    });
  }

  private async patientExists(ctx: FhirContext, patient: string): Promise<void> {
    try {
      await this.deps.repository.read(ctx, 'Patient', patient);
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw billingErrors.referenceNotFound('patient', `Patient/${patient}`);
      }
      throw error;
    }
  }

  /** The invoice a payment names must be an issued one of the same patient. */
  private async invoiceOf(ctx: FhirContext, invoiceId: string, patient: string): Promise<void> {
    let invoice: Invoice;
    try {
      invoice = (await this.deps.repository.read(ctx, 'Invoice', invoiceId)) as Invoice;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw billingErrors.referenceNotFound('invoice', `Invoice/${invoiceId}`);
      }
      throw error;
    }
    if (invoice.subject?.reference !== `Patient/${patient}`) {
      throw billingErrors.conflict('invoice: the invoice is of another patient', 'invoice');
    }
    if (invoice.status !== 'issued' && invoice.status !== 'balanced') {
      throw billingErrors.conflict(`invoice: the invoice is ${invoice.status}`, 'invoice');
    }
  }

  /** An insurer's payment from a remittance (835), posted with its adjustments by the claims module. */
  async recordInsurance(
    tx: Queryable,
    caller: BillingCaller,
    row: Omit<PaymentRow, 'kind' | 'method'>,
  ): Promise<PaymentRow> {
    return this.insert(tx, caller.ctx.tenantId, { ...row, kind: 'payment', method: 'insurance' }, caller);
  }

  private async insert(tx: Queryable, tenantId: string, row: PaymentRow, caller: BillingCaller): Promise<PaymentRow> {
    await tx.query(
      `INSERT INTO billing_payment (tenant_id, id, kind, method, patient_id, payer, invoice_id, amount, applied, credited,
         currency, gateway_charge, refund_of, entry_id, received_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        tenantId,
        row.id,
        row.kind,
        row.method,
        row.patient,
        row.payer,
        row.invoice,
        row.amount,
        row.applied,
        row.credited,
        row.currency,
        row.gatewayCharge,
        row.refundOf,
        row.entry,
        row.receivedAt,
        recorderOf(caller.actor) ?? null,
      ],
    );
    await auditBilling(this.deps.audit, tx, caller, {
      action: row.kind === 'refund' ? 'payment-refund' : 'payment-post',
      resourceType: 'Payment',
      resourceId: row.id,
      patientId: row.patient ?? undefined,
      detail: `${row.method} ${row.amount} ${row.currency}`,
    });
    await this.deps.events?.publish(tx, tenantId, {
      type: 'payment.posted',
      version: 1,
      aggregate: { type: 'Payment', id: row.id },
      data: {
        paymentId: row.id,
        kind: row.kind,
        method: row.method,
        ...(row.patient ? { patientId: row.patient } : {}),
        ...(row.payer ? { payerId: row.payer.slice('Organization/'.length) } : {}),
        ...(row.invoice ? { invoiceId: row.invoice } : {}),
        amount: row.amount,
        currency: row.currency,
      },
    });
    return row;
  }

  async read(tenantId: string, id: string): Promise<PaymentRow> {
    const row = await this.deps.db.withTenant(tenantId, (db) => this.find(db, tenantId, id));
    if (!row) throw billingErrors.notFound(`Payment ${id}`);
    return row;
  }

  async list(
    tenantId: string,
    filter: { patient?: string | undefined; invoice?: string | undefined },
  ): Promise<PaymentRow[]> {
    return this.deps.db.withTenant(tenantId, async (db) => {
      const { rows } = await db.query<DbRow>(
        `${SELECT} WHERE tenant_id = $1 AND ($2::text IS NULL OR patient_id = $2) AND ($3::text IS NULL OR invoice_id = $3)
         ORDER BY received_at, id LIMIT 1000`,
        [tenantId, filter.patient ?? null, filter.invoice ?? null],
      );
      return rows.map(rowOf);
    });
  }

  /** Count of payment rows and their ledger entries (tests and checks). */
  async find(db: Queryable, tenantId: string, id: string): Promise<PaymentRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await db.query<DbRow>(`${SELECT} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] ? rowOf(rows[0]) : undefined;
  }

  private async refundedOf(db: Queryable, tenantId: string, paymentId: string): Promise<number> {
    const { rows } = await db.query<{ total: string | null }>(
      'SELECT sum(amount) AS total FROM billing_payment WHERE tenant_id = $1 AND refund_of = $2',
      [tenantId, paymentId],
    );
    return Number(rows[0]?.total ?? 0);
  }

  /** The card payment a gateway charge id belongs to. */
  async byGatewayCharge(db: Queryable, tenantId: string, charge: string): Promise<PaymentRow | undefined> {
    const { rows } = await db.query<DbRow>(`${SELECT} WHERE tenant_id = $1 AND gateway_charge = $2`, [
      tenantId,
      charge,
    ]);
    return rows[0] ? rowOf(rows[0]) : undefined;
  }
}

const SELECT = `SELECT id, kind, method, patient_id, payer, invoice_id, amount, applied, credited, currency, gateway_charge,
  refund_of, entry_id, received_at FROM billing_payment`;

interface DbRow {
  id: string;
  kind: 'payment' | 'refund';
  method: string;
  patient_id: string | null;
  payer: string | null;
  invoice_id: string | null;
  amount: string;
  applied: string;
  credited: string;
  currency: string;
  gateway_charge: string | null;
  refund_of: string | null;
  entry_id: string;
  received_at: string;
}

function rowOf(row: DbRow): PaymentRow {
  return {
    id: row.id,
    kind: row.kind,
    method: row.method,
    patient: row.patient_id,
    payer: row.payer,
    invoice: row.invoice_id,
    amount: Number(row.amount),
    applied: Number(row.applied),
    credited: Number(row.credited),
    currency: row.currency,
    gatewayCharge: row.gateway_charge,
    refundOf: row.refund_of,
    entry: row.entry_id,
    receivedAt: new Date(row.received_at).toISOString(),
  };
}
