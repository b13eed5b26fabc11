import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { combine, gfDiv, gfMul, split } from './shamir.js';

function subsets<T>(items: T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, size - 1).map((s) => [first, ...s]), ...subsets(rest, size)];
}

describe('GF(256) arithmetic', () => {
  it('multiplies like the AES field (0x11b)', () => {
    // FIPS-197 example: {57} x {83} = {c1}
    expect(gfMul(0x57, 0x83)).toBe(0xc1);
    expect(gfMul(0x57, 0x13)).toBe(0xfe);
    expect(gfMul(0, 0x13)).toBe(0);
  });

  it('division inverts multiplication for every non-zero pair', () => {
    for (let a = 1; a < 256; a++) {
      for (const b of [1, 2, 3, 0x53, 0xca, 0xff]) expect(gfDiv(gfMul(a, b), b)).toBe(a);
    }
  });
});

describe('Shamir split and combine', () => {
  it('recovers the secret from every subset of threshold size', () => {
    const secret = randomBytes(32);
    const shares = split(secret, 5, 3);
    expect(shares).toHaveLength(5);
    for (const share of shares) expect(share).toHaveLength(33);
    for (const subset of subsets(shares, 3)) expect(combine(subset).equals(secret)).toBe(true);
    for (const subset of subsets(shares, 4)) expect(combine(subset).equals(secret)).toBe(true);
    expect(combine(shares).equals(secret)).toBe(true);
  });

  it('does not recover the secret from fewer shares than the threshold', () => {
    const secret = randomBytes(32);
    const shares = split(secret, 5, 3);
    for (const subset of subsets(shares, 2)) expect(combine(subset).equals(secret)).toBe(false);
  });

  it('uses distinct non-zero x coordinates', () => {
    const shares = split(randomBytes(16), 255, 2);
    const xs = new Set(shares.map((s) => s[16]));
    expect(xs.size).toBe(255);
    expect(xs.has(0)).toBe(false);
  });

  it('works at the extremes (2-of-2, 255-of-255 on a short secret)', () => {
    const secret = randomBytes(32);
    expect(combine(split(secret, 2, 2)).equals(secret)).toBe(true);
    const tiny = Buffer.from([0x42, 0x00, 0xff]);
    expect(combine(split(tiny, 255, 255)).equals(tiny)).toBe(true);
  });

  it('rejects bad parameters and bad parts', () => {
    const secret = randomBytes(8);
    expect(() => split(secret, 2, 3)).toThrow(/less than threshold/);
    expect(() => split(secret, 256, 3)).toThrow(/exceed 255/);
    expect(() => split(secret, 3, 1)).toThrow(/at least 2/);
    expect(() => split(Buffer.alloc(0), 3, 2)).toThrow(/empty/);
    const shares = split(secret, 3, 2);
    expect(() => combine([shares[0] as Buffer])).toThrow(/less than two/);
    expect(() => combine([shares[0] as Buffer, shares[0] as Buffer])).toThrow(/duplicate/);
    expect(() => combine([shares[0] as Buffer, (shares[1] as Buffer).subarray(1)])).toThrow(/same length/);
  });

  it('a tampered share yields a different secret', () => {
    const secret = randomBytes(32);
    const shares = split(secret, 3, 2);
    const bad = Buffer.from(shares[1] as Buffer);
    bad[0] = (bad[0] ?? 0) ^ 1;
    expect(combine([shares[0] as Buffer, bad]).equals(secret)).toBe(false);
  });
});
