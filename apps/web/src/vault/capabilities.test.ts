import { describe, expect, it } from 'vitest';
import { allows } from './capabilities';

describe('allows', () => {
  it('allows what the capabilities name, and everything for root', () => {
    expect(allows(['read', 'update'], 'update', 'create')).toBe(true);
    expect(allows(['root'], 'delete')).toBe(true);
  });
  it('refuses what they do not name, and everything on deny', () => {
    expect(allows(['read', 'list'], 'update', 'create')).toBe(false);
    expect(allows(['deny'], 'read')).toBe(false);
  });
  it('allows when the capabilities are unknown (the vault decides)', () => {
    expect(allows(undefined, 'update')).toBe(true);
  });
});
