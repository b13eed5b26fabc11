import { randomBytes } from 'node:crypto';
import { AuditBroker } from '../audit/broker.js';
import { TokenStore } from '../auth/token-store.js';
import { Barrier, StorageView } from '../barrier/barrier.js';
import { newKey } from '../barrier/crypto.js';
import { combine, split } from '../barrier/shamir.js';
import { VaultError } from '../http/errors.js';
import { PolicyStore } from '../policy/store.js';
import type { PhysicalStorage } from '../storage/types.js';
import type { Clock } from './clock.js';
import { shortId, uuid } from './ids.js';
import { type BackendFactory, MountManager, namespacePrefix } from './mounts.js';
import { NamespaceStore } from './namespaces.js';
import type { Backend, Namespace } from './types.js';
import { ROOT_NAMESPACE } from './types.js';

export const VAULT_VERSION = '1.17.0+meridian';
const SEAL_CONFIG_PATH = 'core/seal-config';

export interface SealConfig {
  type: 'shamir';
  secret_shares: number;
  secret_threshold: number;
}

export interface CoreOptions {
  physical: PhysicalStorage;
  clock: Clock;
  auditFile?: string;
}

/** Everything that only exists while the vault is unsealed. */
export interface Unsealed {
  tokens: TokenStore;
  policies: PolicyStore;
  mounts: MountManager;
  namespaces: NamespaceStore;
  audit: AuditBroker;
}

/**
 * The vault's state machine: uninitialised -> sealed <-> unsealed. Holds the barrier, the unseal progress
 * and, while unsealed, the stores that depend on decrypted storage.
 */
export class Core {
  readonly barrier: Barrier;
  readonly clock: Clock;
  sealConfig: SealConfig | null = null;
  clusterId = '';
  readonly clusterName = `vault-cluster-${shortId(8)}`;
  private progress: Buffer[] = [];
  private nonce = '';
  private rootKey: Buffer | null = null;
  private state: Unsealed | null = null;
  secretEngines: Record<string, BackendFactory> = {};
  authMethods: Record<string, BackendFactory> = {};
  sysBackend: Backend = { routes: [] };
  tokenBackend: Backend = { routes: [] };
  private unsealLock: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CoreOptions) {
    this.barrier = new Barrier(options.physical);
    this.clock = options.clock;
  }

  get physical(): PhysicalStorage {
    return this.options.physical;
  }

  async start(): Promise<void> {
    await this.options.physical.open();
    const raw = await this.options.physical.get(SEAL_CONFIG_PATH);
    this.sealConfig = raw ? (JSON.parse(raw.toString()) as SealConfig) : null;
  }

  async stop(): Promise<void> {
    this.seal();
    await this.options.physical.close();
  }

  get initialized(): boolean {
    return this.sealConfig !== null;
  }

  get sealed(): boolean {
    return this.state === null;
  }

  get services(): Unsealed {
    if (!this.state) throw VaultError.sealed();
    return this.state;
  }

  get unsealProgress(): { progress: number; nonce: string } {
    return { progress: this.progress.length, nonce: this.nonce };
  }

  namespaceView(namespaceId: string): StorageView {
    return new StorageView(this.barrier, namespacePrefix(namespaceId));
  }

  async initialize(shares: number, threshold: number): Promise<{ keys: Buffer[]; rootToken: string }> {
    if (this.initialized) throw VaultError.badRequest('Vault is already initialized');
    if (!Number.isInteger(shares) || shares < 1 || shares > 255) {
      throw VaultError.badRequest('invalid seal configuration: secret shares must be between 1 and 255');
    }
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > shares) {
      throw VaultError.badRequest('invalid seal configuration: secret threshold must be between 1 and secret shares');
    }
    if (shares > 1 && threshold === 1) {
      throw VaultError.badRequest('invalid seal configuration: threshold must be greater than one for multiple shares');
    }
    if (shares === 1 && threshold !== 1) {
      throw VaultError.badRequest('invalid seal configuration: threshold must be one for a single share');
    }
    const rootKey = newKey();
    await this.barrier.initialize(rootKey, this.clock.now());
    await this.barrier.unseal(rootKey);
    let rootToken: string;
    try {
      await this.barrier.put('core/cluster', Buffer.from(JSON.stringify({ id: uuid() })));
      await this.postUnseal();
      const entry = await this.services.tokens.create({
        policies: ['root'],
        parent: null,
        path: 'auth/token/root',
        displayName: 'root',
        namespaceId: 'root',
      });
      rootToken = entry.id;
    } finally {
      this.seal();
    }
    const config: SealConfig = { type: 'shamir', secret_shares: shares, secret_threshold: threshold };
    await this.options.physical.put(SEAL_CONFIG_PATH, Buffer.from(JSON.stringify(config)));
    this.sealConfig = config;
    const keys = shares === 1 ? [Buffer.from(rootKey)] : split(rootKey, shares, threshold);
    rootKey.fill(0);
    return { keys, rootToken };
  }

  /** Adds one key share; unseals once the threshold is reached. Wrong keys reset the progress. */
  async submitUnsealKey(key: Buffer): Promise<void> {
    const run = this.unsealLock.then(() => this.submit(key));
    this.unsealLock = run.catch(() => {});
    await run;
  }

  private async submit(key: Buffer): Promise<void> {
    const config = this.sealConfig;
    if (!config) throw VaultError.badRequest('Vault is not initialized');
    if (!this.sealed) return;
    const expected = config.secret_shares === 1 ? 32 : 33;
    if (key.length !== expected) {
      throw VaultError.badRequest(`invalid key length ${key.length}; expected ${expected}`);
    }
    if (this.progress.some((k) => k.equals(key))) return;
    if (this.progress.length === 0) this.nonce = uuid();
    this.progress.push(Buffer.from(key));
    if (this.progress.length < config.secret_threshold) return;
    const shares = this.progress;
    this.progress = [];
    this.nonce = '';
    let rootKey: Buffer;
    try {
      rootKey = config.secret_shares === 1 ? Buffer.from(shares[0] as Buffer) : combine(shares);
    } catch (err) {
      throw VaultError.badRequest(`failed to unseal: ${(err as Error).message}`);
    } finally {
      for (const share of shares) share.fill(0);
    }
    await this.barrier.unseal(rootKey);
    this.rootKey = rootKey;
    try {
      await this.postUnseal();
    } catch (err) {
      this.seal();
      throw err;
    }
  }

  resetUnseal(): void {
    for (const share of this.progress) share.fill(0);
    this.progress = [];
    this.nonce = '';
  }

  private async postUnseal(): Promise<void> {
    const cluster = await this.barrier.get('core/cluster');
    this.clusterId = cluster ? (JSON.parse(cluster.toString()) as { id: string }).id : '';
    const root = this.namespaceView('root');
    let salt = await root.getJson<{ salt: string }>('core/token-salt');
    if (!salt) {
      salt = { salt: randomBytes(32).toString('base64') };
      await root.putJson('core/token-salt', salt);
    }
    const tokens = new TokenStore(root.sub('sys/token/'), this.clock, Buffer.from(salt.salt, 'base64'));
    const policies = new PolicyStore((id) => this.namespaceView(id));
    const mounts = new MountManager(
      this.barrier,
      this.secretEngines,
      this.authMethods,
      { sys: this.sysBackend, token: this.tokenBackend },
      this.clock,
    );
    const namespaces = new NamespaceStore(root.sub('core/namespaces/'));
    const audit = new AuditBroker(root, this.options.auditFile);
    const all = [ROOT_NAMESPACE, ...(await namespaces.load())];
    for (const ns of all) {
      await mounts.load(ns);
      await policies.ensureDefault(ns.id);
    }
    await audit.load();
    tokens.mountExists = (accessor) => mounts.hasAccessor(accessor);
    tokens.namespaceExists = (id) => namespaces.get(id) !== undefined;
    tokens.onRevoke = async (entry) => {
      await this.barrier.delete(`sys/wrapping/${tokens.hash(entry.id)}`).catch(() => {});
      await new StorageView(this.barrier, `cubbyhole/${tokens.hash(entry.id)}/`).clear();
    };
    this.state = { tokens, policies, mounts, namespaces, audit };
  }

  /** Prepares a namespace created at run time. */
  async setupNamespace(ns: Namespace): Promise<void> {
    await this.services.mounts.load(ns);
    await this.services.policies.ensureDefault(ns.id);
  }

  seal(): void {
    this.state = null;
    this.barrier.seal();
    this.rootKey?.fill(0);
    this.rootKey = null;
    this.resetUnseal();
  }

  async rotate(): Promise<void> {
    if (!this.rootKey) throw VaultError.sealed();
    await this.barrier.rotate(this.rootKey, this.clock.now());
  }
}
