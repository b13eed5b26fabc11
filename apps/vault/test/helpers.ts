import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVaultApp, type VaultApp } from '../src/app.js';
import { ManualClock } from '../src/core/clock.js';
import type { PhysicalStorage } from '../src/storage/types.js';

export interface TestVault {
  app: VaultApp;
  url: string;
  clock: ManualClock;
  storagePath: string;
  rootToken: string;
  keys: string[];
  /** Sends a request to the running server. */
  call: (method: string, path: string, options?: CallOptions) => Promise<CallResult>;
  close: () => Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  body: any;
}

export async function request(base: string, method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers['X-Vault-Token'] = options.token;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
  }
  const res = await fetch(`${base}/v1/${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export interface StartOptions {
  init?: boolean;
  unseal?: boolean;
  shares?: number;
  threshold?: number;
  storage?: PhysicalStorage;
  storagePath?: string;
  auditFile?: string;
}

/** Starts a vault on 127.0.0.1, port 0, with its own storage folder and a manual clock. */
export async function startVault(options: StartOptions = {}): Promise<TestVault> {
  const storagePath = options.storagePath ?? (await mkdtemp(join(tmpdir(), 'meridian-vault-')));
  const clock = new ManualClock();
  const app = buildVaultApp(
    { port: 0, host: '127.0.0.1', storagePath, ...(options.auditFile ? { auditFile: options.auditFile } : {}) },
    { clock, ...(options.storage ? { storage: options.storage } : {}) },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  const call = (method: string, path: string, opts?: CallOptions) => request(url, method, path, opts);
  const vault: TestVault = {
    app,
    url,
    clock,
    storagePath,
    rootToken: '',
    keys: [],
    call,
    close: async () => {
      await app.close();
      if (!options.storagePath) await rm(storagePath, { recursive: true, force: true });
    },
  };
  if (options.init !== false) {
    const init = await call('PUT', 'sys/init', {
      body: { secret_shares: options.shares ?? 5, secret_threshold: options.threshold ?? 3 },
    });
    if (init.status !== 200) throw new Error(`init failed: ${JSON.stringify(init.body)}`);
    vault.rootToken = init.body.root_token;
    vault.keys = init.body.keys;
    if (options.unseal !== false) await unseal(vault);
  }
  return vault;
}

export async function unseal(vault: TestVault): Promise<void> {
  const threshold = (await vault.call('GET', 'sys/seal-status')).body.t as number;
  for (const key of vault.keys.slice(0, threshold)) {
    await vault.call('PUT', 'sys/unseal', { body: { key } });
  }
  const status = await vault.call('GET', 'sys/seal-status');
  if (status.body.sealed) throw new Error('unseal failed');
}
