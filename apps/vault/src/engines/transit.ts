import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { unixSeconds } from '../core/clock.js';
import { parseDuration } from '../core/durations.js';
import { KeyedMutex } from '../core/mutex.js';
import type { Backend, MountContext, Request, Response } from '../core/types.js';
import { asBool, asInt, asString } from '../core/values.js';
import { VaultError } from '../http/errors.js';
import { listResponse } from './common.js';

interface KeyVersion {
  key: string;
  creation_time: number;
}

interface TransitKey {
  name: string;
  type: 'aes256-gcm96' | 'aes128-gcm96';
  keys: Record<string, KeyVersion>;
  latest_version: number;
  min_decryption_version: number;
  min_encryption_version: number;
  deletion_allowed: boolean;
  exportable: boolean;
  allow_plaintext_backup: boolean;
  auto_rotate_period: number;
}

const KEY_SIZES: Record<string, number> = { 'aes256-gcm96': 32, 'aes128-gcm96': 16 };
const NAME = /^[A-Za-z0-9_.-]+$/;

function isBase64(s: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0;
}

/** Transit: encryption as a service with named, versioned AES-GCM keys. */
export function transitBackend(ctx: MountContext): Backend {
  const { storage, clock } = ctx;
  const cache = new Map<string, TransitKey>();
  const locks = new KeyedMutex();

  const nameOf = (req: Request) => {
    const name = req.params.name ?? '';
    if (!NAME.test(name)) throw VaultError.badRequest('invalid key name');
    return name;
  };
  async function load(name: string): Promise<TransitKey | null> {
    const cached = cache.get(name);
    if (cached) return cached;
    const stored = await storage.getJson<TransitKey>(`policy/${name}`);
    if (stored) cache.set(name, stored);
    return stored;
  }
  async function save(key: TransitKey): Promise<void> {
    await storage.putJson(`policy/${key.name}`, key);
    cache.set(key.name, key);
  }
  async function create(name: string, data: Record<string, unknown>): Promise<TransitKey> {
    const type = (asString(data.type, 'type') ?? 'aes256-gcm96') as TransitKey['type'];
    if (!KEY_SIZES[type]) throw VaultError.badRequest(`unknown key type "${type}"`);
    if (asBool(data.derived, 'derived')) throw VaultError.badRequest('key derivation is not supported');
    if (asBool(data.convergent_encryption, 'convergent_encryption')) {
      throw VaultError.badRequest('convergent encryption is not supported');
    }
    const key: TransitKey = {
      name,
      type,
      keys: { '1': { key: randomBytes(KEY_SIZES[type] as number).toString('base64'), creation_time: clock.now() } },
      latest_version: 1,
      min_decryption_version: 1,
      min_encryption_version: 0,
      deletion_allowed: false,
      exportable: asBool(data.exportable, 'exportable') ?? false,
      allow_plaintext_backup: asBool(data.allow_plaintext_backup, 'allow_plaintext_backup') ?? false,
      auto_rotate_period: parseDuration(data.auto_rotate_period ?? 0, 'auto_rotate_period'),
    };
    await save(key);
    return key;
  }
  async function loadOrCreate(name: string, data: Record<string, unknown>): Promise<TransitKey> {
    return (await load(name)) ?? locks.run(name, async () => (await load(name)) ?? create(name, data));
  }

  function encryptWith(key: TransitKey, plaintextB64: unknown, version: number | undefined, aad?: unknown) {
    if (typeof plaintextB64 !== 'string') throw VaultError.badRequest('missing plaintext to encrypt');
    if (!isBase64(plaintextB64)) throw VaultError.badRequest('failed to base64-decode plaintext');
    const v = version && version > 0 ? version : key.latest_version;
    if (v > key.latest_version) throw VaultError.badRequest('invalid key version');
    if (key.min_encryption_version > 0 && v < key.min_encryption_version) {
      throw VaultError.badRequest('cannot encrypt with a key version below the minimum encryption version');
    }
    const material = Buffer.from((key.keys[String(v)] as KeyVersion).key, 'base64');
    const nonce = randomBytes(12);
    const cipher = createCipheriv(key.type === 'aes128-gcm96' ? 'aes-128-gcm' : 'aes-256-gcm', material, nonce);
    if (typeof aad === 'string' && aad) cipher.setAAD(Buffer.from(aad, 'base64'));
    const body = Buffer.concat([
      cipher.update(Buffer.from(plaintextB64, 'base64')),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return { ciphertext: `vault:v${v}:${Buffer.concat([nonce, body]).toString('base64')}`, key_version: v };
  }

  function decryptWith(key: TransitKey, ciphertext: unknown, aad?: unknown): { plaintext: Buffer; version: number } {
    if (typeof ciphertext !== 'string' || ciphertext === '')
      throw VaultError.badRequest('missing ciphertext to decrypt');
    const m = /^vault:v(\d+):(.+)$/.exec(ciphertext);
    if (!m) throw VaultError.badRequest('invalid ciphertext: no prefix');
    const version = Number(m[1]);
    if (version < key.min_decryption_version) {
      throw VaultError.badRequest('ciphertext or signature version is disallowed by policy (too old)');
    }
    const entry = key.keys[String(version)];
    if (!entry) throw VaultError.badRequest('invalid key version');
    const raw = Buffer.from(m[2] as string, 'base64');
    if (raw.length < 28) throw VaultError.badRequest('invalid ciphertext: too short');
    try {
      const decipher = createDecipheriv(
        key.type === 'aes128-gcm96' ? 'aes-128-gcm' : 'aes-256-gcm',
        Buffer.from(entry.key, 'base64'),
        raw.subarray(0, 12),
      );
      if (typeof aad === 'string' && aad) decipher.setAAD(Buffer.from(aad, 'base64'));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const plaintext = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
      return { plaintext, version };
    } catch {
      throw VaultError.badRequest('cipher: message authentication failed');
    }
  }

  /** Runs a single item or a batch_input list, collecting per-item errors in batch mode. */
  async function batch(
    req: Request,
    one: (item: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<Response> {
    const input = req.data.batch_input;
    if (input === undefined) return { data: one(req.data) };
    if (!Array.isArray(input) || input.length === 0) throw VaultError.badRequest('missing batch input to process');
    const results = input.map((item) => {
      try {
        return one({ ...(item as Record<string, unknown>) });
      } catch (err) {
        if (err instanceof VaultError) return { error: err.errors[0] ?? 'error' };
        throw err;
      }
    });
    return { data: { batch_results: results } };
  }

  const keyView = (key: TransitKey) => ({
    name: key.name,
    type: key.type,
    deletion_allowed: key.deletion_allowed,
    derived: false,
    exportable: key.exportable,
    allow_plaintext_backup: key.allow_plaintext_backup,
    keys: Object.fromEntries(Object.entries(key.keys).map(([v, k]) => [v, unixSeconds(k.creation_time)])),
    latest_version: key.latest_version,
    min_available_version: 0,
    min_decryption_version: key.min_decryption_version,
    min_encryption_version: key.min_encryption_version,
    supports_encryption: true,
    supports_decryption: true,
    supports_derivation: true,
    supports_signing: false,
    imported_key: false,
    auto_rotate_period: key.auto_rotate_period,
  });

  const requireKey = async (req: Request) => {
    const key = await load(nameOf(req));
    if (!key) throw VaultError.badRequest('encryption key not found');
    return key;
  };

  return {
    routes: [
      {
        pattern: /^keys\/?$/,
        operations: { list: async () => listResponse((await storage.list('policy/')).filter((n) => !n.endsWith('/'))) },
      },
      {
        pattern: /^keys\/(?<name>[^/]+)$/,
        existence: async (req) => (await load(nameOf(req))) !== null,
        operations: {
          create: async (req) => {
            const name = nameOf(req);
            await locks.run(name, async () => (await load(name)) ?? create(name, req.data));
            return null;
          },
          update: async () => null,
          read: async (req) => {
            const key = await load(nameOf(req));
            if (!key) throw VaultError.notFound();
            return { data: keyView(key) };
          },
          delete: async (req) => {
            const name = nameOf(req);
            const key = await load(name);
            if (!key) return null;
            if (!key.deletion_allowed) throw VaultError.badRequest('deletion is not allowed for this key');
            await storage.delete(`policy/${name}`);
            cache.delete(name);
            return null;
          },
        },
      },
      {
        pattern: /^keys\/(?<name>[^/]+)\/config$/,
        operations: {
          update: async (req) =>
            locks.run(nameOf(req), async () => {
              const key = { ...(await requireKey(req)) };
              const minDec = asInt(req.data.min_decryption_version, 'min_decryption_version');
              const minEnc = asInt(req.data.min_encryption_version, 'min_encryption_version');
              if (minDec !== undefined) {
                if (minDec > key.latest_version) {
                  throw VaultError.badRequest('cannot set min decryption version of above the latest version');
                }
                key.min_decryption_version = Math.max(1, minDec);
              }
              if (minEnc !== undefined) {
                if (minEnc > key.latest_version) {
                  throw VaultError.badRequest('cannot set min encryption version of above the latest version');
                }
                key.min_encryption_version = Math.max(0, minEnc);
              }
              if (key.min_encryption_version > 0 && key.min_encryption_version < key.min_decryption_version) {
                throw VaultError.badRequest(
                  'cannot set min encryption/decryption values; min encryption version must be greater than or equal to min decryption version',
                );
              }
              const del = asBool(req.data.deletion_allowed, 'deletion_allowed');
              if (del !== undefined) key.deletion_allowed = del;
              const exp = asBool(req.data.exportable, 'exportable');
              if (exp !== undefined) {
                if (key.exportable && !exp) throw VaultError.badRequest('exportable key cannot be made non-exportable');
                key.exportable = exp;
              }
              if (req.data.auto_rotate_period !== undefined) {
                key.auto_rotate_period = parseDuration(req.data.auto_rotate_period, 'auto_rotate_period');
              }
              await save(key);
              return { data: keyView(key) };
            }),
        },
      },
      {
        pattern: /^keys\/(?<name>[^/]+)\/rotate$/,
        operations: {
          update: async (req) =>
            locks.run(nameOf(req), async () => {
              const key = { ...(await requireKey(req)) };
              const version = key.latest_version + 1;
              key.keys = {
                ...key.keys,
                [String(version)]: {
                  key: randomBytes(KEY_SIZES[key.type] as number).toString('base64'),
                  creation_time: clock.now(),
                },
              };
              key.latest_version = version;
              await save(key);
              return { data: keyView(key) };
            }),
        },
      },
      {
        pattern: /^encrypt\/(?<name>[^/]+)$/,
        existence: async (req) => (await load(nameOf(req))) !== null,
        operations: {
          update: async (req) => {
            const key = await loadOrCreate(nameOf(req), req.data);
            return batch(req, (item) =>
              encryptWith(key, item.plaintext, asInt(item.key_version, 'key_version'), item.associated_data),
            );
          },
        },
      },
      {
        pattern: /^decrypt\/(?<name>[^/]+)$/,
        operations: {
          update: async (req) => {
            const key = await requireKey(req);
            return batch(req, (item) => ({
              plaintext: decryptWith(key, item.ciphertext, item.associated_data).plaintext.toString('base64'),
            }));
          },
        },
      },
      {
        pattern: /^rewrap\/(?<name>[^/]+)$/,
        operations: {
          update: async (req) => {
            const key = await requireKey(req);
            return batch(req, (item) => {
              const { plaintext } = decryptWith(key, item.ciphertext, item.associated_data);
              return encryptWith(
                key,
                plaintext.toString('base64'),
                asInt(item.key_version, 'key_version'),
                item.associated_data,
              );
            });
          },
        },
      },
      {
        pattern: /^datakey\/(?<kind>plaintext|wrapped)\/(?<name>[^/]+)$/,
        operations: {
          update: async (req) => {
            const key = await requireKey(req);
            const bits = asInt(req.data.bits, 'bits') ?? 256;
            if (![128, 256, 512].includes(bits))
              throw VaultError.badRequest('invalid bits given; must be 128, 256 or 512');
            const plaintext = randomBytes(bits / 8).toString('base64');
            const out = encryptWith(key, plaintext, asInt(req.data.key_version, 'key_version'));
            const data: Record<string, unknown> = { ciphertext: out.ciphertext, key_version: out.key_version };
            if (req.params.kind === 'plaintext') data.plaintext = plaintext;
            return { data };
          },
        },
      },
    ],
  };
}
