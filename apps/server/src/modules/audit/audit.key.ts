import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const AUDIT_KEY_FILE = 'audit-hmac.key';

/**
 * The deployment's audit key: AUDIT_HMAC_KEY when set (production should supply it, e.g. from Meridian
 * Vault, and every server of a deployment must share it), otherwise a key generated once and kept in
 * DATA_DIR/audit-hmac.key (mode 0600). Whoever holds it can recompute chains, so it never goes into the
 * database.
 */
export function loadAuditKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = join(dataDir, AUDIT_KEY_FILE);
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  try {
    // 'wx': two processes starting at once keep the first one's key.
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return Buffer.from(key, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  }
}
