import type { AgingReport } from './billing-api';

const ACCOUNT_LABELS: Record<string, string> = {
  'patient-ar': 'Patients',
  'insurer-ar': 'Insurers',
  'unbilled-ar': 'Not yet invoiced',
};

export interface AgingLine {
  key: string;
  label: string;
  currency: string;
  buckets: { '0-30': number; '31-60': number; '61-90': number; '90+': number };
  total: number;
}

/** The aging report's totals, one line per receivable account and currency (patients, insurers…). */
export function agingRows(report: AgingReport): AgingLine[] {
  return Object.entries(report.totals).flatMap(([account, byCurrency]) =>
    Object.entries(byCurrency).map(([currency, sums]) => ({
      key: `${account}|${currency}`,
      label: `${ACCOUNT_LABELS[account] ?? account}${currency === 'USD' ? '' : ` (${currency})`}`,
      currency,
      buckets: { '0-30': sums['0-30'], '31-60': sums['31-60'], '61-90': sums['61-90'], '90+': sums['90+'] },
      total: sums.total,
    })),
  );
}

export function claimStatusLabel(status: string): { text: string; color: string } {
  switch (status) {
    case 'submitted':
      return { text: 'Submitted', color: 'blue.9' };
    case 'paid':
      return { text: 'Paid', color: 'teal.9' };
    case 'partially-paid':
      return { text: 'Partially paid', color: 'yellow.4' };
    case 'denied':
      return { text: 'Denied', color: 'red.9' };
    default:
      return { text: status, color: 'gray.7' };
  }
}
