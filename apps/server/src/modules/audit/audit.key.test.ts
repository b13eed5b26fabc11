import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_KEY_FILE, loadAuditKey } from './audit.key';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadAuditKey', () => {
  it('uses AUDIT_HMAC_KEY when it is set, and writes no file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-key-'));
    dirs.push(dir);
    expect(loadAuditKey('x'.repeat(40), dir).toString()).toBe('x'.repeat(40));
    expect(() => statSync(join(dir, AUDIT_KEY_FILE))).toThrow();
  });

  it('otherwise generates a key once, readable by its owner only, and keeps it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'meridian-key-')), 'data');
    dirs.push(dir);
    const first = loadAuditKey(undefined, dir);
    const file = join(dir, AUDIT_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadAuditKey(undefined, dir).equals(first)).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString());
  });
});
