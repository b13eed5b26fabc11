import type { StorageView } from '../barrier/barrier.js';
import { VaultError } from '../http/errors.js';
import { Acl } from './acl.js';
import { DEFAULT_POLICY, RESPONSE_WRAPPING_POLICY } from './defaults.js';
import { type Policy, PolicyParseError, parsePolicy } from './policy.js';

const RESPONSE_WRAPPING = parsePolicy('response-wrapping', RESPONSE_WRAPPING_POLICY);

/** ACL policies per namespace, parsed once and cached. */
export class PolicyStore {
  private readonly cache = new Map<string, Policy | null>();
  private readonly acls = new Map<string, Acl>();

  /** `view(namespaceId)` returns the storage of a namespace. */
  constructor(private readonly view: (namespaceId: string) => StorageView) {}

  private key(namespaceId: string, name: string): string {
    return `${namespaceId}\u0000${name}`;
  }

  static normalise(name: string): string {
    return name.trim().toLowerCase();
  }

  async ensureDefault(namespaceId: string): Promise<void> {
    if (!(await this.get(namespaceId, 'default'))) await this.put(namespaceId, 'default', DEFAULT_POLICY);
  }

  async get(namespaceId: string, rawName: string): Promise<Policy | null> {
    const name = PolicyStore.normalise(rawName);
    if (name === 'root') return { name: 'root', raw: '', rules: [] };
    if (name === 'response-wrapping') return RESPONSE_WRAPPING;
    const key = this.key(namespaceId, name);
    if (this.cache.has(key)) return this.cache.get(key) ?? null;
    const stored = await this.view(namespaceId).getJson<{ name: string; policy: string }>(`sys/policy/${name}`);
    const policy = stored ? parsePolicy(name, stored.policy) : null;
    this.cache.set(key, policy);
    return policy;
  }

  async put(namespaceId: string, rawName: string, raw: string): Promise<Policy> {
    const name = PolicyStore.normalise(rawName);
    if (!name) throw VaultError.badRequest('policy name must be provided');
    if (name === 'root' || name === 'response-wrapping') throw VaultError.badRequest(`cannot update "${name}" policy`);
    let policy: Policy;
    try {
      policy = parsePolicy(name, raw);
    } catch (err) {
      if (err instanceof PolicyParseError) throw VaultError.badRequest(`failed to parse policy: ${err.message}`);
      throw err;
    }
    await this.view(namespaceId).putJson(`sys/policy/${name}`, { name, policy: raw });
    this.cache.set(this.key(namespaceId, name), policy);
    this.acls.clear();
    return policy;
  }

  async delete(namespaceId: string, rawName: string): Promise<void> {
    const name = PolicyStore.normalise(rawName);
    if (name === 'root' || name === 'default' || name === 'response-wrapping') {
      throw VaultError.badRequest(`cannot delete "${name}" policy`);
    }
    await this.view(namespaceId).delete(`sys/policy/${name}`);
    this.cache.delete(this.key(namespaceId, name));
    this.acls.clear();
  }

  async list(namespaceId: string): Promise<string[]> {
    const names = (await this.view(namespaceId).list('sys/policy/')).filter((n) => !n.endsWith('/'));
    const out = new Set(names);
    if (namespaceId === 'root') out.add('root');
    return [...out].sort();
  }

  /** Forgets everything cached for a namespace (on namespace deletion). */
  forget(namespaceId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${namespaceId}\u0000`)) this.cache.delete(key);
    this.acls.clear();
  }

  clear(): void {
    this.cache.clear();
    this.acls.clear();
  }

  async acl(namespaceId: string, names: string[]): Promise<Acl> {
    const key = `${namespaceId}\u0000${[...names].sort().join(',')}`;
    const cached = this.acls.get(key);
    if (cached) return cached;
    const policies: Policy[] = [];
    for (const name of names) {
      const policy = await this.get(namespaceId, name);
      if (policy) policies.push(policy);
    }
    const acl = new Acl(policies);
    this.acls.set(key, acl);
    return acl;
  }
}
