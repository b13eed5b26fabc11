import { describe, expect, it } from 'vitest';
import { canOrderTransition, orderStatusChangeAllowed, reportStatusChangeAllowed } from './orders.state';

describe('the order lifecycle', () => {
  it('goes draft → active → completed, with revocation before completion', () => {
    expect(canOrderTransition('draft', 'active')).toBe(true);
    expect(canOrderTransition('active', 'completed')).toBe(true);
    expect(canOrderTransition('draft', 'revoked')).toBe(true);
    expect(canOrderTransition('active', 'revoked')).toBe(true);
    expect(canOrderTransition('draft', 'completed')).toBe(false);
    expect(canOrderTransition('completed', 'revoked')).toBe(false);
    expect(canOrderTransition('revoked', 'active')).toBe(false);
    expect(canOrderTransition('completed', 'entered-in-error')).toBe(true);
    expect(canOrderTransition('entered-in-error', 'draft')).toBe(false);
  });

  it('leaves FHIR unknown free except that a closed order never reopens', () => {
    expect(orderStatusChangeAllowed('unknown', 'completed')).toBe(true);
    expect(orderStatusChangeAllowed('active', 'unknown')).toBe(true);
    expect(orderStatusChangeAllowed('completed', 'unknown')).toBe(false);
  });
});

describe('report statuses', () => {
  it('changes a released report only as amended or corrected', () => {
    expect(reportStatusChangeAllowed('preliminary', 'final')).toBe(true);
    expect(reportStatusChangeAllowed('final', 'corrected')).toBe(true);
    expect(reportStatusChangeAllowed('final', 'preliminary')).toBe(false);
    expect(reportStatusChangeAllowed('corrected', 'final')).toBe(false);
    expect(reportStatusChangeAllowed('entered-in-error', 'final')).toBe(false);
  });
});
