import { describe, expect, it } from 'vitest';
import { stagedRecordId } from './audit.store';

describe('staged record ids', () => {
  it('rise in the order they were made, many within one millisecond, as UUIDs version 7', () => {
    const ids = Array.from({ length: 10_000 }, () => stagedRecordId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
