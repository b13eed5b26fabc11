import { createHmac } from 'node:crypto';
import type { StorageView } from '../barrier/barrier.js';
import type { Clock } from '../core/clock.js';
import { randomBase62 } from '../core/ids.js';
import { KeyedMutex } from '../core/mutex.js';
import type { TokenEntry } from '../core/types.js';

/** The system-wide default and maximum TTL for tokens: 768 hours (32 days), as in Vault. */
export const SYSTEM_MAX_TTL = 768 * 3600;

export interface CreateTokenOptions {
  policies: string[];
  parent: TokenEntry | null;
  path: string;
  displayName: string;
  meta?: Record<string, string> | null;
  ttl?: number;
  explicitMaxTtl?: number;
  period?: number;
  numUses?: number;
  renewable?: boolean;
  namespaceId: string;
  mountAccessor?: string;
  boundCidrs?: string[];
  wrapping?: boolean;
  /** Mount-level defaults. */
  defaultTtl?: number;
  maxTtl?: number;
  id?: string;
}

/**
 * Token storage. Token IDs and accessors never appear in storage keys: entries are filed under a salted
 * HMAC of the ID. Children are indexed under their parent so a revocation takes the whole tree.
 */
export class TokenStore {
  private readonly locks = new KeyedMutex();
  /** Called with every revoked token, so other stores (cubbyhole, wrapping) can clean up. */
  onRevoke: (entry: TokenEntry) => Promise<void> = async () => {};
  /** Returns false when the auth mount that issued a token no longer exists. */
  mountExists: (accessor: string) => boolean = () => true;
  namespaceExists: (id: string) => boolean = () => true;

  constructor(
    private readonly storage: StorageView,
    private readonly clock: Clock,
    private readonly salt: Buffer,
  ) {}

  hash(value: string): string {
    return createHmac('sha256', this.salt).update(value).digest('hex');
  }

  async create(opts: CreateTokenOptions): Promise<TokenEntry> {
    const now = this.clock.now();
    const suffix = opts.namespaceId === 'root' ? '' : `.${opts.namespaceId}`;
    const isRoot = opts.policies.includes('root');
    const maxTtl = Math.min(opts.maxTtl || SYSTEM_MAX_TTL, SYSTEM_MAX_TTL);
    const explicitMax = opts.explicitMaxTtl ?? 0;
    const period = opts.period ?? 0;
    let ttl: number;
    if (period > 0) {
      ttl = period;
    } else if (opts.ttl && opts.ttl > 0) {
      ttl = Math.min(opts.ttl, maxTtl);
    } else if (isRoot && !explicitMax) {
      ttl = 0;
    } else {
      ttl = Math.min(opts.defaultTtl || maxTtl, maxTtl);
    }
    if (explicitMax > 0 && (ttl === 0 || ttl > explicitMax)) ttl = explicitMax;
    const entry: TokenEntry = {
      id: opts.id ?? `hvs.${randomBase62(24)}${suffix}`,
      accessor: `${randomBase62(24)}${suffix}`,
      policies: opts.policies,
      parent: opts.parent?.id ?? '',
      path: opts.path,
      meta: opts.meta ?? null,
      displayName: opts.displayName,
      numUses: opts.numUses ?? 0,
      creationTime: now,
      ttl,
      creationTtl: ttl,
      explicitMaxTtl: explicitMax,
      period,
      renewable: ttl > 0 && (opts.renewable ?? true),
      orphan: !opts.parent,
      expireTime: ttl > 0 ? now + ttl * 1000 : 0,
      namespaceId: opts.namespaceId,
      mountAccessor: opts.mountAccessor ?? '',
      boundCidrs: opts.boundCidrs ?? [],
      wrapping: opts.wrapping ?? false,
      lastRenewal: 0,
    };
    await this.storage.putJson(`id/${this.hash(entry.id)}`, entry);
    await this.storage.putJson(`accessor/${this.hash(entry.accessor)}`, { id: entry.id });
    if (entry.parent) await this.storage.putJson(`parent/${this.hash(entry.parent)}/${this.hash(entry.id)}`, {});
    return entry;
  }

  /** Reads an entry without any validity check. */
  async raw(id: string): Promise<TokenEntry | null> {
    if (!id) return null;
    return this.storage.getJson<TokenEntry>(`id/${this.hash(id)}`);
  }

  async idForAccessor(accessor: string): Promise<string | null> {
    if (!accessor) return null;
    const ref = await this.storage.getJson<{ id: string }>(`accessor/${this.hash(accessor)}`);
    return ref?.id ?? null;
  }

  private expired(entry: TokenEntry, now: number): boolean {
    return entry.expireTime > 0 && now >= entry.expireTime;
  }

  /**
   * Returns a usable token, or null. Expired tokens, tokens below an expired or revoked parent, and
   * tokens whose auth mount is gone are revoked on the spot, so expiry holds to the second.
   */
  async lookup(id: string): Promise<TokenEntry | null> {
    const entry = await this.raw(id);
    if (!entry) return null;
    const now = this.clock.now();
    if (entry.numUses < 0) return null;
    if (
      this.expired(entry, now) ||
      (entry.mountAccessor && !this.mountExists(entry.mountAccessor)) ||
      !this.namespaceExists(entry.namespaceId)
    ) {
      await this.revokeTree(entry.id);
      return null;
    }
    let parentId = entry.parent;
    let depth = 0;
    while (parentId && depth++ < 64) {
      const parent = await this.raw(parentId);
      if (!parent) {
        await this.revokeTree(entry.id);
        return null;
      }
      if (this.expired(parent, now)) {
        await this.revokeTree(parent.id);
        return null;
      }
      parentId = parent.parent;
    }
    return entry;
  }

  /**
   * Takes one use of a limited-use token. Returns the updated entry and whether this was the last use
   * (the caller revokes the token once the request completes), or null when no use is left.
   */
  async use(entry: TokenEntry): Promise<{ entry: TokenEntry; last: boolean } | null> {
    if (entry.numUses === 0) return { entry, last: false };
    return this.locks.run(entry.id, async () => {
      const current = await this.raw(entry.id);
      if (!current || current.numUses < 0) return null;
      if (current.numUses === 0) return { entry: current, last: false };
      const remaining = current.numUses - 1;
      current.numUses = remaining === 0 ? -1 : remaining;
      await this.storage.putJson(`id/${this.hash(current.id)}`, current);
      return { entry: current, last: remaining === 0 };
    });
  }

  async save(entry: TokenEntry): Promise<void> {
    await this.storage.putJson(`id/${this.hash(entry.id)}`, entry);
  }

  /** Renews a token; returns the new entry and any warning about capping. */
  async renew(
    entry: TokenEntry,
    increment: number,
    maxTtl = SYSTEM_MAX_TTL,
  ): Promise<{ entry: TokenEntry; warnings: string[] }> {
    const warnings: string[] = [];
    if (entry.ttl === 0 && entry.period === 0) return { entry, warnings };
    const now = this.clock.now();
    let ttl = entry.period > 0 ? entry.period : increment > 0 ? increment : entry.creationTtl;
    let limit = Number.POSITIVE_INFINITY;
    if (entry.explicitMaxTtl > 0) limit = entry.creationTime + entry.explicitMaxTtl * 1000;
    if (entry.period === 0) limit = Math.min(limit, entry.creationTime + Math.min(maxTtl, SYSTEM_MAX_TTL) * 1000);
    if (now + ttl * 1000 > limit) {
      const capped = Math.max(0, Math.floor((limit - now) / 1000));
      warnings.push(`TTL of "${ttl}s" exceeded the effective max_ttl of "${capped}s"; TTL value is capped accordingly`);
      ttl = capped;
    }
    entry.ttl = ttl;
    entry.expireTime = now + ttl * 1000;
    entry.lastRenewal = now;
    await this.save(entry);
    return { entry, warnings };
  }

  /** Revokes a token and, recursively, every token created under it. */
  async revokeTree(id: string): Promise<void> {
    const stack = [id];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const current = stack.pop() as string;
      if (seen.has(current)) continue;
      seen.add(current);
      const hashed = this.hash(current);
      for (const child of await this.storage.list(`parent/${hashed}/`)) {
        const childEntry = await this.storage.getJson<TokenEntry>(`id/${child}`);
        if (childEntry) stack.push(childEntry.id);
        await this.storage.delete(`parent/${hashed}/${child}`);
      }
      await this.revokeOne(current);
    }
  }

  /** Revokes only this token; its children become orphans. */
  async revokeOrphan(id: string): Promise<void> {
    const hashed = this.hash(id);
    for (const child of await this.storage.list(`parent/${hashed}/`)) {
      const childEntry = await this.storage.getJson<TokenEntry>(`id/${child}`);
      if (childEntry) {
        childEntry.parent = '';
        childEntry.orphan = true;
        await this.save(childEntry);
      }
      await this.storage.delete(`parent/${hashed}/${child}`);
    }
    await this.revokeOne(id);
  }

  private async revokeOne(id: string): Promise<void> {
    const entry = await this.raw(id);
    if (!entry) return;
    await this.storage.delete(`id/${this.hash(id)}`);
    await this.storage.delete(`accessor/${this.hash(entry.accessor)}`);
    if (entry.parent) await this.storage.delete(`parent/${this.hash(entry.parent)}/${this.hash(id)}`);
    await this.onRevoke(entry);
  }

  async accessors(): Promise<string[]> {
    const out: string[] = [];
    for (const name of await this.storage.list('id/')) {
      const entry = await this.storage.getJson<TokenEntry>(`id/${name}`);
      if (entry) out.push(entry.accessor);
    }
    return out;
  }
}
