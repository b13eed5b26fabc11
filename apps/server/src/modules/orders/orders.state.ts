/** The statuses of Meridian's order lifecycle: FHIR R4 ServiceRequest.status codes. */
export const ORDER_STATUSES = ['draft', 'active', 'on-hold', 'completed', 'revoked', 'entered-in-error'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The order lifecycle: draft → active → completed; revoked before it is completed (a draft may be
 * revoked too); on-hold and back while active; entered-in-error from anywhere. Completed and revoked
 * orders move only to entered-in-error.
 */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  draft: ['active', 'revoked', 'entered-in-error'],
  active: ['on-hold', 'completed', 'revoked', 'entered-in-error'],
  'on-hold': ['active', 'revoked', 'entered-in-error'],
  completed: ['entered-in-error'],
  revoked: ['entered-in-error'],
  'entered-in-error': [],
};

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

export function allowedOrderTransitions(from: string | undefined): readonly OrderStatus[] {
  return isOrderStatus(from) ? NEXT[from] : [];
}

export function canOrderTransition(from: string | undefined, to: string | undefined): boolean {
  return allowedOrderTransitions(from).includes(to as OrderStatus);
}

/**
 * Whether a stored ServiceRequest may change from `before` to `after` status. FHIR's `unknown` (which
 * imports may carry) is left free in both directions, except that a closed order is never reopened.
 */
export function orderStatusChangeAllowed(before: string | undefined, after: string | undefined): boolean {
  if (before === after) return true;
  if (!isOrderStatus(before)) return true;
  if (!isOrderStatus(after)) return !['completed', 'revoked', 'entered-in-error'].includes(before);
  return canOrderTransition(before, after);
}

/** DiagnosticReport.status: once final, a report changes only as amended/corrected/appended or in error. */
const REPORT_FINAL = new Set(['final', 'amended', 'corrected', 'appended']);
const REPORT_PENDING = new Set(['registered', 'partial', 'preliminary']);

export function reportStatusChangeAllowed(before: string | undefined, after: string | undefined): boolean {
  if (before === after) return true;
  if (before === 'entered-in-error' || before === 'cancelled') return false;
  if (before && REPORT_FINAL.has(before)) return after !== undefined && !REPORT_PENDING.has(after) && after !== 'final';
  return true;
}

export function isFinalReport(status: string | undefined): boolean {
  return status !== undefined && REPORT_FINAL.has(status);
}
