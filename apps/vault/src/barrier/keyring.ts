import { newKey, openBytes, sealBytes } from './crypto.js';

export interface KeyTerm {
  term: number;
  key: Buffer;
  installTime: number;
}

interface StoredKeyring {
  activeTerm: number;
  terms: { term: number; key: string; installTime: number }[];
}

/** The set of data encryption keys, one per term; new data always uses the active (newest) term. */
export class Keyring {
  private constructor(
    private readonly terms: Map<number, KeyTerm>,
    private active: number,
  ) {}

  static create(now: number): Keyring {
    return new Keyring(new Map([[1, { term: 1, key: newKey(), installTime: now }]]), 1);
  }

  get activeTerm(): KeyTerm {
    return this.terms.get(this.active) as KeyTerm;
  }

  term(term: number): KeyTerm | undefined {
    return this.terms.get(term);
  }

  rotate(now: number): KeyTerm {
    const term = this.active + 1;
    const entry = { term, key: newKey(), installTime: now };
    this.terms.set(term, entry);
    this.active = term;
    return entry;
  }

  /** Encrypts the keyring under the root key. */
  seal(rootKey: Buffer): Buffer {
    const stored: StoredKeyring = {
      activeTerm: this.active,
      terms: [...this.terms.values()].map((t) => ({
        term: t.term,
        key: t.key.toString('base64'),
        installTime: t.installTime,
      })),
    };
    return sealBytes(rootKey, Buffer.from(JSON.stringify(stored)), Buffer.from('core/keyring'));
  }

  /** Decrypts the keyring; throws if the root key is wrong. */
  static open(rootKey: Buffer, sealed: Buffer): Keyring {
    const stored = JSON.parse(openBytes(rootKey, sealed, Buffer.from('core/keyring')).toString()) as StoredKeyring;
    const terms = new Map<number, KeyTerm>();
    for (const t of stored.terms) {
      terms.set(t.term, { term: t.term, key: Buffer.from(t.key, 'base64'), installTime: t.installTime });
    }
    return new Keyring(terms, stored.activeTerm);
  }

  /** Overwrites key material in memory (on seal). */
  wipe(): void {
    for (const t of this.terms.values()) t.key.fill(0);
    this.terms.clear();
  }
}
