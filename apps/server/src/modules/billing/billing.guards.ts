import type { ChargeItem, Invoice, Resource } from '@medplum/fhirtypes';
import { FhirError, type WriteGuard } from '../../fhir';

function refuse(message: string, expression: string): never {
  throw new FhirError(
    422,
    [{ severity: 'error', code: 'business-rule', diagnostics: message, expression: [expression] }],
    'FHIR_BUSINESS_RULE',
  );
}

/** The resource without what the server keeps (meta, text) and the named fields. */
function content(resource: Resource, ...without: string[]): string {
  const copy: Record<string, unknown> = { ...resource };
  for (const key of ['meta', 'text', ...without]) delete copy[key];
  return canonical(copy);
}

/** JSON with object keys sorted at every level, so equal content compares equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonical(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const FINAL_INVOICE = new Set(['issued', 'balanced', 'cancelled', 'entered-in-error']);

/**
 * An issued invoice never changes (corrections are credit notes); its status may only move on to
 * balanced (paid) or cancelled. A deleted one would lose what the ledger points at, so deletion is refused too.
 */
export const invoiceWriteGuard: WriteGuard = ({ before, after }) => {
  const previous = before as Invoice | undefined;
  if (!previous || !FINAL_INVOICE.has(previous.status)) return;
  const next = after as Invoice | undefined;
  if (!next) refuse(`An ${previous.status} invoice cannot be deleted; issue a credit note`, 'Invoice');
  if (content(previous, 'status') !== content(next, 'status')) {
    refuse(`An ${previous.status} invoice cannot be changed; issue a credit note`, 'Invoice');
  }
  const allowed = previous.status === 'issued' ? ['issued', 'balanced', 'cancelled'] : [previous.status];
  if (!allowed.includes(next.status)) {
    refuse(`An ${previous.status} invoice cannot become ${next.status}`, 'Invoice.status');
  }
};

/** An invoiced charge is part of an issued invoice: it does not change or go away. */
export const chargeItemWriteGuard: WriteGuard = ({ before, after }) => {
  const previous = before as ChargeItem | undefined;
  if (previous?.status !== 'billed') return;
  const next = after as ChargeItem | undefined;
  if (!next || content(previous) !== content(next)) {
    refuse('An invoiced charge cannot be changed; issue a credit note on its invoice', 'ChargeItem');
  }
};
