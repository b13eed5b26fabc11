/** Where the Meridian server forwards to Meridian Vault (same origin, so the page's CSP stays 'self'). */
export const VAULT_API_BASE = '/vault/v1';

/** A request the vault refused, or could not answer, with the vault's own messages. */
export class VaultError extends Error {
  constructor(
    readonly status: number,
    /** Vault's `errors` array as it sent it (may be empty, e.g. a 404 on an empty listing). */
    readonly errors: string[],
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
  get isPermissionDenied(): boolean {
    return this.status === 403;
  }
  get isSealed(): boolean {
    return this.status === 503 && this.errors.some((error) => /sealed/i.test(error));
  }
}

export function isVaultError(error: unknown): error is VaultError {
  return error instanceof VaultError;
}

/** The message a person sees for a failed answer: the vault's words when it gave any. */
export function vaultErrorFrom(status: number, body: unknown): VaultError {
  if (body && typeof body === 'object') {
    const errors = (body as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      const messages = errors.filter((error): error is string => typeof error === 'string');
      if (messages.length) return new VaultError(status, messages, messages.join('; '));
      return new VaultError(status, [], fallbackMessage(status));
    }
    // The Meridian server's own problem body: the vault could not be reached at all.
    const detail = (body as { detail?: unknown }).detail;
    if (typeof detail === 'string') return new VaultError(status, [], detail);
  }
  return new VaultError(status, [], fallbackMessage(status));
}

function fallbackMessage(status: number): string {
  if (status === 404) return 'Nothing found at this path.';
  if (status === 403) return 'Permission denied: your vault token does not allow this.';
  if (status === 503) return 'Meridian Vault is sealed or not ready.';
  if (status === 502) return 'Meridian Vault does not answer.';
  return `Meridian Vault answered ${status}.`;
}

/** Vault's response envelope (the fields screens use). */
export interface VaultEnvelope<T> {
  request_id?: string;
  data: T;
  auth?: VaultAuth | null;
  wrap_info?: unknown;
  warnings?: string[] | null;
}

export interface VaultAuth {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies?: string[];
  metadata?: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
}

export type VaultMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface VaultRequest {
  body?: unknown;
  /** Query parameters (e.g. `version`). */
  query?: Record<string, string | number | undefined>;
  /** LIST, sent as GET ?list=true (browsers and Node's HTTP parser do not speak the LIST method). */
  list?: boolean;
  /** Overrides the session's token (sign-in checks a token before it is kept). */
  token?: string | null;
  /** Overrides the session's namespace. */
  namespace?: string;
  signal?: AbortSignal;
}

export interface VaultClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  token: () => string | undefined;
  namespace: () => string | undefined;
}

/** Encodes each segment of a vault path, keeping its slashes. */
export function encodeVaultPath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/**
 * The web app's way to Meridian Vault: X-Vault-Token and X-Vault-Namespace from the vault session, Vault's
 * JSON envelope in, its `errors` out as a VaultError. No Meridian credentials are involved: the server
 * forwards these requests without its cookies, and the vault authenticates each one itself.
 */
export class VaultClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: VaultClientOptions) {
    this.baseUrl = options.baseUrl ?? VAULT_API_BASE;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async request<T = unknown>(method: VaultMethod, path: string, request: VaultRequest = {}): Promise<T | undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = request.token === undefined ? this.options.token() : request.token;
    if (token) headers['x-vault-token'] = token;
    const namespace = (request.namespace ?? this.options.namespace())?.replace(/^\/+|\/+$/g, '');
    if (namespace) headers['x-vault-namespace'] = namespace;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) query.set(key, String(value));
    }
    if (request.list) query.set('list', 'true');
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const queryText = query.toString();
    const search = queryText ? `?${queryText}` : '';
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}/${encodeVaultPath(path.replace(/^\/+/, ''))}${search}`, {
        method: request.list ? 'GET' : method,
        headers,
        // The vault's token travels in a header; Meridian's cookies have no business here.
        credentials: 'omit',
        ...(body !== undefined ? { body } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new VaultError(0, [], 'Cannot reach the Meridian server. Check your connection and try again.');
    }
    const text = response.status === 204 ? '' : await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw vaultErrorFrom(response.status, parsed);
    return parsed as T | undefined;
  }

  /** Reads `data` from a path; undefined when there is nothing there (404). */
  async read<T>(path: string, request: Omit<VaultRequest, 'body' | 'list'> = {}): Promise<T | undefined> {
    try {
      return (await this.request<VaultEnvelope<T>>('GET', path, request))?.data;
    } catch (error) {
      if (isVaultError(error) && error.isNotFound) return undefined;
      throw error;
    }
  }

  /** Lists the keys under a path (folders end in '/'); an empty or missing folder lists nothing. */
  async list(path: string, request: Omit<VaultRequest, 'body' | 'list'> = {}): Promise<string[]> {
    try {
      const answer = await this.request<VaultEnvelope<{ keys?: string[] }>>('GET', path, { ...request, list: true });
      return answer?.data?.keys ?? [];
    } catch (error) {
      if (isVaultError(error) && error.isNotFound) return [];
      throw error;
    }
  }

  write<T = unknown>(path: string, body: unknown = {}, request: Omit<VaultRequest, 'body'> = {}) {
    return this.request<VaultEnvelope<T>>('POST', path, { ...request, body });
  }

  put<T = unknown>(path: string, body: unknown = {}, request: Omit<VaultRequest, 'body'> = {}) {
    return this.request<T>('PUT', path, { ...request, body });
  }

  delete(path: string, request: Omit<VaultRequest, 'body'> = {}) {
    return this.request('DELETE', path, request);
  }
}
