import { VaultError } from '../http/errors.js';
import type { PhysicalStorage } from '../storage/types.js';
import { openBytes, sealBytes } from './crypto.js';
import { Keyring } from './keyring.js';

const KEYRING_PATH = 'core/keyring';
const ENTRY_VERSION = 1;

/** Storage as seen above the barrier. */
export interface LogicalStorage {
  get(key: string): Promise<Buffer | null>;
  put(key: string, value: Buffer): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
}

/**
 * The encryption barrier: every entry is AES-256-GCM encrypted under the active keyring term, with the
 * storage key as additional data (so ciphertexts cannot be swapped between keys). Layout of an entry:
 * version byte, 4-byte term, then nonce || ciphertext || tag.
 */
export class Barrier implements LogicalStorage {
  private keyring: Keyring | null = null;
  private encryptions = 0;

  constructor(private readonly physical: PhysicalStorage) {}

  get sealed(): boolean {
    return this.keyring === null;
  }

  async initialize(rootKey: Buffer, now: number): Promise<void> {
    const keyring = Keyring.create(now);
    await this.physical.put(KEYRING_PATH, keyring.seal(rootKey));
    keyring.wipe();
  }

  /** Loads the keyring with the root key; throws a 400 error if the key is wrong. */
  async unseal(rootKey: Buffer): Promise<void> {
    const sealed = await this.physical.get(KEYRING_PATH);
    if (!sealed) throw VaultError.internal('keyring missing from storage');
    try {
      this.keyring = Keyring.open(rootKey, sealed);
    } catch {
      throw VaultError.badRequest('failed to decrypt keyring: cipher: message authentication failed');
    }
  }

  seal(): void {
    this.keyring?.wipe();
    this.keyring = null;
    this.encryptions = 0;
  }

  async rotate(rootKey: Buffer, now: number): Promise<void> {
    const keyring = this.requireKeyring();
    keyring.rotate(now);
    this.encryptions = 0;
    await this.physical.put(KEYRING_PATH, keyring.seal(rootKey));
  }

  keyStatus(): { term: number; installTime: number; encryptions: number } {
    const active = this.requireKeyring().activeTerm;
    return { term: active.term, installTime: active.installTime, encryptions: this.encryptions };
  }

  private requireKeyring(): Keyring {
    if (!this.keyring) throw VaultError.sealed();
    return this.keyring;
  }

  async get(key: string): Promise<Buffer | null> {
    const keyring = this.requireKeyring();
    const raw = await this.physical.get(key);
    if (!raw) return null;
    if (raw.length < 5 || raw[0] !== ENTRY_VERSION) throw VaultError.internal('corrupt storage entry');
    const term = keyring.term(raw.readUInt32BE(1));
    if (!term) throw VaultError.internal('storage entry encrypted with an unknown key term');
    try {
      return openBytes(term.key, raw.subarray(5), Buffer.from(key));
    } catch {
      throw VaultError.internal('failed to decrypt storage entry');
    }
  }

  async put(key: string, value: Buffer): Promise<void> {
    const active = this.requireKeyring().activeTerm;
    const header = Buffer.alloc(5);
    header[0] = ENTRY_VERSION;
    header.writeUInt32BE(active.term, 1);
    this.encryptions++;
    await this.physical.put(key, Buffer.concat([header, sealBytes(active.key, value, Buffer.from(key))]));
  }

  async delete(key: string): Promise<void> {
    this.requireKeyring();
    await this.physical.delete(key);
  }

  async list(prefix: string): Promise<string[]> {
    this.requireKeyring();
    return this.physical.list(prefix);
  }
}

/** A view of logical storage under a fixed prefix, with JSON helpers. */
export class StorageView {
  constructor(
    private readonly inner: LogicalStorage,
    readonly prefix: string,
  ) {}

  sub(prefix: string): StorageView {
    return new StorageView(this.inner, this.prefix + prefix);
  }

  async getJson<T>(key: string): Promise<T | null> {
    const raw = await this.inner.get(this.prefix + key);
    return raw ? (JSON.parse(raw.toString('utf8')) as T) : null;
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.inner.put(this.prefix + key, Buffer.from(JSON.stringify(value)));
  }

  async delete(key: string): Promise<void> {
    await this.inner.delete(this.prefix + key);
  }

  async list(prefix = ''): Promise<string[]> {
    return this.inner.list(this.prefix + prefix);
  }

  /** Deletes every entry below the view (used when a mount is disabled). */
  async clear(prefix = ''): Promise<void> {
    for (const name of await this.list(prefix)) {
      if (name.endsWith('/')) await this.clear(prefix + name);
      else await this.delete(prefix + name);
    }
  }
}
