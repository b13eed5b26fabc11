import { toRfc3339 } from '../core/clock.js';
import { type Core, VAULT_VERSION } from '../core/core.js';
import { asBool, asInt } from '../core/values.js';
import { VaultError } from '../http/errors.js';

export const BUILD_DATE = '2025-01-01T00:00:00Z';

export interface StatusOutput {
  status: number;
  body?: unknown;
}

/** Paths answered before the seal check and without a token. */
export const STATUS_PATHS = new Set(['sys/init', 'sys/seal-status', 'sys/unseal', 'sys/health', 'sys/leader']);

export function sealStatus(core: Core): Record<string, unknown> {
  const config = core.sealConfig;
  const { progress, nonce } = core.unsealProgress;
  const body: Record<string, unknown> = {
    type: 'shamir',
    initialized: core.initialized,
    sealed: core.sealed,
    t: config?.secret_threshold ?? 0,
    n: config?.secret_shares ?? 0,
    progress,
    nonce,
    version: VAULT_VERSION,
    build_date: BUILD_DATE,
    migration: false,
    recovery_seal: false,
    storage_type: core.physical.type,
  };
  if (!core.sealed) {
    body.cluster_name = core.clusterName;
    body.cluster_id = core.clusterId;
  }
  return body;
}

function decodeKey(key: string): Buffer {
  const trimmed = key.trim();
  if (/^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return Buffer.from(trimmed, 'base64');
  throw VaultError.badRequest("'key' must be a valid hex or base64 string");
}

function parseCode(query: Record<string, string>, name: string, fallback: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  const code = Number(raw);
  if (!Number.isInteger(code) || code < 100 || code > 599) throw VaultError.badRequest(`bad code for ${name}: ${raw}`);
  return code;
}

export function health(core: Core, query: Record<string, string>): StatusOutput {
  const standbyOk = asBool(query.standbyok, 'standbyok') ?? false;
  const perfStandbyOk = asBool(query.perfstandbyok, 'perfstandbyok') ?? false;
  const activeCode = parseCode(query, 'activecode', 200);
  // This server never runs as a standby or a DR secondary; the codes are still validated.
  parseCode(query, 'standbycode', standbyOk ? activeCode : 429);
  parseCode(query, 'drsecondarycode', 472);
  parseCode(query, 'performancestandbycode', perfStandbyOk ? activeCode : 473);
  const sealedCode = parseCode(query, 'sealedcode', 503);
  const uninitCode = parseCode(query, 'uninitcode', 501);
  let status = activeCode;
  if (!core.initialized) status = uninitCode;
  else if (core.sealed) status = sealedCode;
  const body: Record<string, unknown> = {
    initialized: core.initialized,
    sealed: core.sealed,
    standby: false,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(core.clock.now() / 1000),
    version: VAULT_VERSION,
  };
  if (!core.sealed) {
    body.cluster_name = core.clusterName;
    body.cluster_id = core.clusterId;
  }
  return { status, body };
}

/** Handles the unauthenticated status endpoints; returns null for any other path. */
export async function statusEndpoint(
  core: Core,
  method: string,
  path: string,
  query: Record<string, string>,
  data: Record<string, unknown>,
): Promise<StatusOutput | null> {
  const read = method === 'GET' || method === 'HEAD';
  const write = method === 'PUT' || method === 'POST';
  switch (path) {
    case 'sys/init': {
      if (read) return { status: 200, body: { initialized: core.initialized } };
      if (!write) throw VaultError.unsupportedOperation();
      if (data.pgp_keys || data.root_token_pgp_key)
        throw VaultError.badRequest('PGP-encrypted key shares are not supported');
      const shares = asInt(data.secret_shares, 'secret_shares');
      const threshold = asInt(data.secret_threshold, 'secret_threshold');
      if (shares === undefined || threshold === undefined) {
        throw VaultError.badRequest('secret_shares and secret_threshold are required');
      }
      const { keys, rootToken } = await core.initialize(shares, threshold);
      return {
        status: 200,
        body: {
          keys: keys.map((k) => k.toString('hex')),
          keys_base64: keys.map((k) => k.toString('base64')),
          root_token: rootToken,
        },
      };
    }
    case 'sys/seal-status':
      if (!read) throw VaultError.unsupportedOperation();
      return { status: 200, body: sealStatus(core) };
    case 'sys/unseal': {
      if (!write) throw VaultError.unsupportedOperation();
      if (!core.initialized) throw VaultError.badRequest('Vault is not initialized');
      if (asBool(data.reset, 'reset')) {
        core.resetUnseal();
        return { status: 200, body: sealStatus(core) };
      }
      if (typeof data.key !== 'string' || data.key === '') {
        throw VaultError.badRequest("'key' must be specified in request body as JSON, or 'reset' set to true");
      }
      await core.submitUnsealKey(decodeKey(data.key));
      return { status: 200, body: sealStatus(core) };
    }
    case 'sys/health': {
      if (!read) throw VaultError.unsupportedOperation();
      const out = health(core, query);
      return method === 'HEAD' ? { status: out.status } : out;
    }
    case 'sys/leader':
      if (!read) throw VaultError.unsupportedOperation();
      if (core.sealed) throw VaultError.sealed();
      return {
        status: 200,
        body: {
          ha_enabled: false,
          is_self: false,
          active_time: toRfc3339(0).replace('1970-01-01T00:00:00.000Z', '0001-01-01T00:00:00Z'),
          leader_address: '',
          leader_cluster_address: '',
          performance_standby: false,
          performance_standby_last_remote_wal: 0,
        },
      };
    default:
      return null;
  }
}
