import { describe, expect, it } from 'vitest';
import { bellLabel, linkFor, unreadCount } from './notifications-api';

describe('notifications', () => {
  it('counts unread ones', () => {
    const base = { kind: 'critical-result', subject: 's', body: 'b', createdAt: '2026-11-24T00:00:00Z' };
    expect(
      unreadCount([
        { ...base, id: '1' },
        { ...base, id: '2', readAt: '2026-11-24T01:00:00Z' },
      ]),
    ).toBe(1);
  });
  it('links patients to their chart', () => {
    expect(linkFor('Patient/abc-1')).toBe('/patients/abc-1');
    expect(linkFor('DiagnosticReport/x')).toBeUndefined();
    expect(linkFor(null)).toBeUndefined();
  });
  it('names the bell with the count', () => {
    expect(bellLabel(0)).toBe('Notifications, none unread');
    expect(bellLabel(3)).toBe('Notifications, 3 unread');
  });
});
