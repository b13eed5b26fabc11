import { hash, verify } from '@node-rs/argon2';
import { randomToken } from './identity.crypto';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); @node-rs/argon2 hashes with argon2id by default.
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// Checked against when the email is unknown, so a wrong email costs as much time as a wrong password.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomToken());
  return decoyHash;
}

// The most common passwords long enough to pass the length rule; NIST 800-63B asks for a blocklist
// rather than composition rules.
const COMMON = new Set([
  'password1234',
  'password12345',
  'password123456',
  '123456789012',
  '1234567890123',
  'qwertyuiop12',
  'qwertyuiopasdf',
  'iloveyou1234',
  'letmein12345',
  'welcome12345',
  'administrator',
  'passwordpassword',
  'changeme1234',
  'abcdefghijkl',
  'aaaaaaaaaaaa',
  'meridian1234',
]);

export interface PasswordPolicy {
  minLength: number;
}

/** What is wrong with a new password; empty when it is acceptable. */
export function passwordProblems(password: string, policy: PasswordPolicy, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < policy.minLength) problems.push(`use at least ${policy.minLength} characters`);
  if (length > 256) problems.push('use at most 256 characters');
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) problems.push('this password is too common');
  if (new Set(lower).size < 4) problems.push('use more than three different characters');
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) problems.push('do not include your email address');
  return problems;
}

/** A generated password that passes the policy: 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomToken(18);
}
