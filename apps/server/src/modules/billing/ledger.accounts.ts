/**
 * The chart of accounts every tenant's ledger has. Accounts with a `party` keep a sub-ledger per patient
 * (`Patient/<id>`) or payer (`Organization/<id>`).
 */
export const ACCOUNTS = {
  cash: { kind: 'asset', name: 'Cash on hand' },
  'card-clearing': { kind: 'asset', name: 'Card payments awaiting settlement' },
  bank: { kind: 'asset', name: 'Bank (settled card payments, insurer transfers)' },
  'unbilled-ar': { kind: 'asset', name: 'Charges not yet invoiced' },
  'patient-ar': { kind: 'asset', name: 'Patient accounts receivable', party: 'Patient' },
  'insurer-ar': { kind: 'asset', name: 'Insurer accounts receivable', party: 'Organization' },
  revenue: { kind: 'revenue', name: 'Service revenue' },
  discounts: { kind: 'contra-revenue', name: 'Discounts given' },
  'contractual-adjustment': { kind: 'contra-revenue', name: 'Contractual adjustments (payer agreements)' },
  'write-off': { kind: 'expense', name: 'Bad debt and small-balance write-offs' },
  'tax-payable': { kind: 'liability', name: 'Tax collected, owed to the tax authority' },
  'patient-credit': { kind: 'liability', name: 'Patient credit (overpayments)', party: 'Patient' },
} as const satisfies Record<string, { kind: string; name: string; party?: 'Patient' | 'Organization' }>;

export type AccountCode = keyof typeof ACCOUNTS;

export const ACCOUNT_CODES = Object.keys(ACCOUNTS) as AccountCode[];

/** Accounts whose debits are money received (the daily cash report). */
export const CASH_ACCOUNTS: AccountCode[] = ['cash', 'card-clearing', 'bank'];

/** Receivable accounts the aging report covers. */
export const RECEIVABLE_ACCOUNTS: AccountCode[] = ['patient-ar', 'insurer-ar'];

export function isAccountCode(value: string): value is AccountCode {
  return Object.hasOwn(ACCOUNTS, value);
}

export function partyTypeOf(account: AccountCode): 'Patient' | 'Organization' | undefined {
  const definition = ACCOUNTS[account];
  return 'party' in definition ? definition.party : undefined;
}
