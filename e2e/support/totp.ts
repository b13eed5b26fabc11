import { createHmac } from 'node:crypto';

const PERIOD_SECONDS = 30;

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`Not base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((byte) => Number.parseInt(byte, 2)));
}

export function totpStep(at = Date.now()): number {
  return Math.floor(at / 1000 / PERIOD_SECONDS);
}

/** RFC 6238 code (SHA-1, 6 digits, 30 s), as an authenticator app shows it. */
export function totpCode(secret: string, step = totpStep()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = digest[digest.length - 1]! & 0x0f;
  const value = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** Waits until a step after `used`: the server accepts each step's code only once. */
export async function nextFreshStep(used: number): Promise<number> {
  while (totpStep() <= used) {
    const untilNext = (used + 1) * PERIOD_SECONDS * 1000 - Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(50, untilNext + 50)));
  }
  return totpStep();
}
