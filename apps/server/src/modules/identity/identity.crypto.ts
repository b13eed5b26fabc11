import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Seals secrets kept in the database (signing keys, TOTP secrets) with AES-256-GCM under
 * SECRETS_ENCRYPTION_KEY. Without a key they are stored as they are, readable by the schema owner only;
 * the `plain:` prefix says so, and a key configured later still reads them.
 */
export class SecretBox {
  private readonly key: Buffer | undefined;

  constructor(base64Key: string | undefined) {
    this.key = base64Key
      ? Buffer.from(base64Key, base64Key.includes('-') || base64Key.includes('_') ? 'base64url' : 'base64')
      : undefined;
    if (this.key && this.key.length !== 32) throw new Error('SECRETS_ENCRYPTION_KEY must be 32 bytes');
  }

  seal(plain: string): string {
    if (!this.key) return `plain:${plain}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), sealed]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join(':');
  }

  open(stored: string): string {
    if (stored.startsWith('plain:')) return stored.slice('plain:'.length);
    if (!this.key) throw new Error('A sealed secret needs SECRETS_ENCRYPTION_KEY to be read');
    const [version, iv, tag, sealed] = stored.split(':');
    if (version !== 'v1' || !iv || !tag || !sealed) throw new Error('Unknown sealed secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
  }
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Refresh tokens, client secrets and recovery codes are long random strings: a plain SHA-256 suffices. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
