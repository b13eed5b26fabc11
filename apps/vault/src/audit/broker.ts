import { randomBytes } from 'node:crypto';
import { appendFile, open } from 'node:fs/promises';
import type { StorageView } from '../barrier/barrier.js';
import { VaultError } from '../http/errors.js';
import { hashStructure, hmacValue } from './hash.js';

export interface AuditDeviceConfig {
  path: string;
  type: 'file';
  description: string;
  options: Record<string, string>;
  local: boolean;
}

interface ActiveDevice {
  config: AuditDeviceConfig;
  salt: Buffer;
  /** Configured from the environment at boot: listed but not removable through the API. */
  fromConfig: boolean;
}

export interface AuditRecord {
  type: 'request' | 'response';
  auth: Record<string, unknown> | null;
  request: Record<string, unknown>;
  response?: Record<string, unknown>;
  error?: string;
}

const SENSITIVE_REQUEST = ['client_token', 'client_token_accessor'];

/** Audit devices. Each writes one JSON line per request and per response, with secrets HMAC'd. */
export class AuditBroker {
  private devices = new Map<string, ActiveDevice>();

  constructor(
    private readonly storage: StorageView,
    private readonly configFile?: string,
  ) {}

  get enabled(): boolean {
    return this.devices.size > 0;
  }

  async load(): Promise<void> {
    this.devices.clear();
    const table = (await this.storage.getJson<AuditDeviceConfig[]>('core/audit')) ?? [];
    for (const config of table)
      this.devices.set(config.path, { config, salt: await this.salt(config.path), fromConfig: false });
    if (this.configFile) {
      const config: AuditDeviceConfig = {
        path: 'config-file/',
        type: 'file',
        description: 'file audit device from VAULT_AUDIT_FILE',
        options: { file_path: this.configFile },
        local: true,
      };
      this.devices.set(config.path, { config, salt: await this.salt(config.path), fromConfig: true });
    }
  }

  clear(): void {
    this.devices.clear();
  }

  private async salt(path: string): Promise<Buffer> {
    const key = `core/audit-salt/${path.replace(/\/$/, '')}`;
    const stored = await this.storage.getJson<{ salt: string }>(key);
    if (stored) return Buffer.from(stored.salt, 'base64');
    const salt = randomBytes(32);
    await this.storage.putJson(key, { salt: salt.toString('base64') });
    return salt;
  }

  list(): AuditDeviceConfig[] {
    return [...this.devices.values()].map((d) => d.config);
  }

  async enable(config: AuditDeviceConfig): Promise<void> {
    if (this.devices.has(config.path)) throw VaultError.badRequest(`path already in use`);
    const filePath = config.options.file_path;
    if (!filePath) throw VaultError.badRequest('file_path is required');
    if (filePath !== 'stdout' && filePath !== 'discard') {
      try {
        const handle = await open(filePath, 'a', 0o600);
        await handle.close();
      } catch (err) {
        throw VaultError.badRequest(
          `sanity check failed; unable to open "${filePath}" for writing: ${(err as Error).message}`,
        );
      }
    }
    const salt = await this.salt(config.path);
    this.devices.set(config.path, { config, salt, fromConfig: false });
    await this.persist();
  }

  async disable(path: string): Promise<void> {
    const device = this.devices.get(path);
    if (!device) return;
    if (device.fromConfig) throw VaultError.badRequest('cannot disable an audit device configured at boot');
    this.devices.delete(path);
    await this.persist();
    await this.storage.delete(`core/audit-salt/${path.replace(/\/$/, '')}`);
  }

  private async persist(): Promise<void> {
    const table = [...this.devices.values()].filter((d) => !d.fromConfig).map((d) => d.config);
    await this.storage.putJson('core/audit', table);
  }

  hash(path: string, input: string): string {
    const device = this.devices.get(path);
    if (!device) throw VaultError.badRequest(`unknown audit backend ${path}`);
    return hmacValue(device.salt, input);
  }

  /** Writes a record to every device; fails the request if none could record it. */
  async log(record: AuditRecord, now: number): Promise<void> {
    if (this.devices.size === 0) return;
    let succeeded = 0;
    for (const device of this.devices.values()) {
      try {
        await this.write(device, record, now);
        succeeded++;
      } catch {
        // Tried the next device; the request fails below if none succeeded.
      }
    }
    if (succeeded === 0) throw VaultError.internal('internal error: failed to write to any audit device');
  }

  private async write(device: ActiveDevice, record: AuditRecord, now: number): Promise<void> {
    const { salt, config } = device;
    const hashAccessor = config.options.hmac_accessor !== 'false';
    const raw = config.options.log_raw === 'true';
    const h = (v: unknown) => (raw || typeof v !== 'string' || v === '' ? v : hmacValue(salt, v));
    const auth = record.auth ? { ...record.auth } : null;
    if (auth) {
      auth.client_token = h(auth.client_token);
      if (hashAccessor) auth.accessor = h(auth.accessor);
    }
    const request: Record<string, unknown> = { ...record.request };
    for (const key of SENSITIVE_REQUEST) {
      if (key === 'client_token_accessor' && !hashAccessor) continue;
      request[key] = h(request[key]);
    }
    if (request.data && !raw) request.data = hashStructure(salt, request.data);
    const line: Record<string, unknown> = {
      time: new Date(now).toISOString(),
      type: record.type,
      auth,
      request,
    };
    if (record.response) {
      const response: Record<string, unknown> = { ...record.response };
      if (response.data && !raw) response.data = hashStructure(salt, response.data);
      if (response.auth && typeof response.auth === 'object') {
        const a = { ...(response.auth as Record<string, unknown>) };
        a.client_token = h(a.client_token);
        if (hashAccessor) a.accessor = h(a.accessor);
        response.auth = a;
      }
      if (response.wrap_info && typeof response.wrap_info === 'object') {
        const w = { ...(response.wrap_info as Record<string, unknown>) };
        w.token = h(w.token);
        if (hashAccessor) {
          w.accessor = h(w.accessor);
          w.wrapped_accessor = h(w.wrapped_accessor);
        }
        response.wrap_info = w;
      }
      line.response = response;
    }
    if (record.error) line.error = record.error;
    const text = `${JSON.stringify(line)}\n`;
    const filePath = config.options.file_path as string;
    if (filePath === 'discard') return;
    if (filePath === 'stdout') {
      process.stdout.write(text);
      return;
    }
    await appendFile(filePath, text, { mode: 0o600 });
  }
}
