import { randomBytes } from 'node:crypto';

/*
 * Shamir's secret sharing over GF(2^8) with the AES reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11b),
 * byte for byte the same construction Vault uses: every byte of the secret is the constant term of its own
 * random polynomial of degree threshold-1, and each share is the polynomial values at one x coordinate,
 * with that x coordinate appended as the share's last byte.
 */

const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
{
  // 3 is a generator of the multiplicative group of GF(256) under 0x11b.
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    // multiply x by 3 = x*2 xor x
    let doubled = x << 1;
    if (doubled & 0x100) doubled ^= 0x11b;
    x = doubled ^ x;
  }
  for (let i = 255; i < 510; i++) EXP[i] = EXP[i - 255] ?? 0;
}

export function gfAdd(a: number, b: number): number {
  return a ^ b;
}

export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[(LOG[a] ?? 0) + (LOG[b] ?? 0)] ?? 0;
}

export function gfDiv(a: number, b: number): number {
  if (b === 0) throw new Error('division by zero in GF(256)');
  if (a === 0) return 0;
  return EXP[(LOG[a] ?? 0) + 255 - (LOG[b] ?? 0)] ?? 0;
}

/** Evaluates the polynomial with the given coefficients (constant term first) at x, by Horner's rule. */
function evaluate(coefficients: Uint8Array, x: number): number {
  let result = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) result = gfAdd(gfMul(result, x), coefficients[i] ?? 0);
  return result;
}

/** Lagrange interpolation of the points at x = 0. */
function interpolateAtZero(xs: Uint8Array, ys: Uint8Array): number {
  let result = 0;
  for (let i = 0; i < xs.length; i++) {
    let basis = 1;
    const xi = xs[i] ?? 0;
    for (let j = 0; j < xs.length; j++) {
      if (i === j) continue;
      const xj = xs[j] ?? 0;
      // basis *= (0 - xj) / (xi - xj); subtraction is xor in GF(2^8)
      basis = gfMul(basis, gfDiv(xj, gfAdd(xi, xj)));
    }
    result = gfAdd(result, gfMul(ys[i] ?? 0, basis));
  }
  return result;
}

/** Random distinct non-zero x coordinates. */
function distinctCoordinates(count: number): number[] {
  const pool = Array.from({ length: 255 }, (_, i) => i + 1);
  const random = randomBytes(255 * 2);
  // Fisher-Yates with 16-bit random numbers; the tiny modulo bias does not matter for coordinates,
  // which are public.
  for (let i = pool.length - 1; i > 0; i--) {
    const r = random.readUInt16BE((i % 255) * 2) % (i + 1);
    const tmp = pool[i] ?? 0;
    pool[i] = pool[r] ?? 0;
    pool[r] = tmp;
  }
  return pool.slice(0, count);
}

/** Splits a secret into `parts` shares, any `threshold` of which recover it. */
export function split(secret: Uint8Array, parts: number, threshold: number): Buffer[] {
  if (!Number.isInteger(parts) || !Number.isInteger(threshold)) throw new Error('parts and threshold must be integers');
  if (parts < threshold) throw new Error('parts cannot be less than threshold');
  if (parts > 255) throw new Error('parts cannot exceed 255');
  if (threshold < 2) throw new Error('threshold must be at least 2');
  if (threshold > 255) throw new Error('threshold cannot exceed 255');
  if (secret.length === 0) throw new Error('cannot split an empty secret');

  const xs = distinctCoordinates(parts);
  const shares = xs.map((x) => {
    const share = Buffer.alloc(secret.length + 1);
    share[secret.length] = x;
    return share;
  });
  const coefficients = new Uint8Array(threshold);
  for (let byteIndex = 0; byteIndex < secret.length; byteIndex++) {
    coefficients[0] = secret[byteIndex] ?? 0;
    coefficients.set(randomBytes(threshold - 1), 1);
    for (let p = 0; p < parts; p++) {
      const share = shares[p] as Buffer;
      share[byteIndex] = evaluate(coefficients, xs[p] ?? 0);
    }
  }
  coefficients.fill(0);
  return shares;
}

/**
 * Recombines shares. With fewer shares than the threshold the result is a different, meaningless value:
 * Shamir cannot tell, so callers must verify the result (the barrier does, by decrypting the keyring).
 */
export function combine(shares: Uint8Array[]): Buffer {
  if (shares.length < 2) throw new Error('less than two parts cannot be used to reconstruct the secret');
  const length = shares[0]?.length ?? 0;
  if (length < 2) throw new Error('parts must be at least two bytes');
  for (const share of shares) {
    if (share.length !== length) throw new Error('all parts must be the same length');
  }
  const xs = new Uint8Array(shares.length);
  const seen = new Set<number>();
  shares.forEach((share, i) => {
    const x = share[length - 1] ?? 0;
    if (seen.has(x)) throw new Error('duplicate part detected');
    seen.add(x);
    xs[i] = x;
  });
  const secret = Buffer.alloc(length - 1);
  const ys = new Uint8Array(shares.length);
  for (let byteIndex = 0; byteIndex < length - 1; byteIndex++) {
    shares.forEach((share, i) => {
      ys[i] = share[byteIndex] ?? 0;
    });
    secret[byteIndex] = interpolateAtZero(xs, ys);
  }
  return secret;
}
