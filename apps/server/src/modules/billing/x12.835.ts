import { billingErrors } from './billing.errors';
import { toMinor } from './money';

/** One claim of an 835 remittance (loop 2100) with its adjustments summed per group and reason. */
export interface RemittanceClaim {
  /** CLP01: the patient control number sent as CLM01. */
  controlNumber: string;
  /** CLP02: 1 processed as primary, 2 secondary, 3 tertiary, 4 denied, 19-23 other, 22 reversal. */
  status: string;
  charged: number;
  paid: number;
  patientResponsibility: number;
  payerClaimId?: string | undefined;
  adjustments: { group: string; reason: string; amount: number }[];
}

export interface Remittance {
  payer: { name?: string | undefined; id?: string | undefined };
  /** BPR02, the total paid. */
  total: number;
  paidOn?: string | undefined;
  trace?: string | undefined;
  claims: RemittanceClaim[];
}

/** Reads an X12 835 (005010X221A1): separators from the ISA header, then BPR, TRN, N1*PR, CLP and CAS. */
export function parse835(text: string, currency = 'USD'): Remittance {
  const source = text.replace(/^\uFEFF/, '').trimStart();
  if (!source.startsWith('ISA') || source.length < 106)
    throw billingErrors.invalidX12('The file does not start with an ISA header', 'ISA');
  const elementSeparator = source[3]!;
  const segmentTerminator = source[105]!;
  const segments = source
    .split(segmentTerminator)
    .map((segment) => segment.replace(/^[\r\n]+/, '').trim())
    .filter(Boolean)
    .map((segment) => segment.split(elementSeparator));
  if (!segments.some((segment) => segment[0] === 'ST' && segment[1] === '835')) {
    throw billingErrors.invalidX12('The file holds no 835 transaction', 'ST');
  }
  const money = (value: string | undefined, segment: string) => {
    if (value === undefined || value === '') return 0;
    const minor = toMinor(value, currency);
    if (minor === undefined) throw billingErrors.invalidX12(`${segment}: '${value}' is not an amount`, segment);
    return minor;
  };
  const remittance: Remittance = { payer: {}, total: 0, claims: [] };
  let current: RemittanceClaim | undefined;
  let inPayer = false;
  for (const [tag, ...elements] of segments) {
    switch (tag) {
      case 'BPR':
        remittance.total = money(elements[1], 'BPR02');
        if (elements[15])
          remittance.paidOn = `${elements[15].slice(0, 4)}-${elements[15].slice(4, 6)}-${elements[15].slice(6, 8)}`;
        break;
      case 'TRN':
        remittance.trace = elements[1];
        break;
      case 'N1':
        inPayer = elements[0] === 'PR';
        if (inPayer) remittance.payer.name = elements[1];
        break;
      case 'REF':
        if (inPayer && elements[0] === '2U') remittance.payer.id = elements[1];
        break;
      case 'CLP':
        inPayer = false;
        if (!elements[0]) throw billingErrors.invalidX12('CLP01: the claim has no control number', 'CLP');
        current = {
          controlNumber: elements[0],
          status: elements[1] ?? '',
          charged: money(elements[2], 'CLP03'),
          paid: money(elements[3], 'CLP04'),
          patientResponsibility: money(elements[4], 'CLP05'),
          payerClaimId: elements[6],
          adjustments: [],
        };
        remittance.claims.push(current);
        break;
      case 'CAS': {
        if (!current) throw billingErrors.invalidX12('CAS before any CLP', 'CAS');
        const group = elements[0] ?? '';
        // Up to six reason/amount/quantity triples per CAS.
        for (let index = 1; index + 1 < elements.length; index += 3) {
          const reason = elements[index];
          if (!reason) continue;
          const value = money(elements[index + 1], 'CAS');
          const existing = current.adjustments.find(
            (adjustment) => adjustment.group === group && adjustment.reason === reason,
          );
          if (existing) existing.amount += value;
          else current.adjustments.push({ group, reason, amount: value });
        }
        break;
      }
      default:
        break;
    }
  }
  return remittance;
}
