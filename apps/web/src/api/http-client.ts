import { errorFromResponse, networkError } from './api-error';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** What to ask for; JSON by default. */
  accept?: string;
  contentType?: string;
}

export interface HttpResponse<T> {
  status: number;
  body: T;
  requestId: string;
  headers: Headers;
}

export type Fetch = typeof fetch;

/** The cookie the server sets beside the session; changes echo it in a header (double-submit CSRF). */
const CSRF_COOKIE = 'meridian_csrf';
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Sign-in itself must not trigger a refresh; a 401 there is the answer.
const NO_REFRESH = ['/auth/login', '/auth/refresh'];

export function newRequestId(): string {
  return crypto.randomUUID();
}

function readCookie(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/**
 * The one way the app talks to the server: same origin, session cookies included, a fresh X-Request-Id
 * on every call, the CSRF header on changes, and every non-2xx answer turned into an ApiError a screen can
 * show. Access cookies are short-lived: on a 401 it renews the session once and retries.
 */
export class HttpClient {
  private refreshing: Promise<boolean> | undefined;
  /** Called when the session has ended and could not be renewed. */
  onSessionExpired: (() => void) | undefined;

  constructor(
    private readonly baseUrl = '',
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
  ) {}

  async request<T>(path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    try {
      return await this.send<T>(path, options);
    } catch (error) {
      const unauthorized = (error as { status?: number }).status === 401;
      if (!unauthorized || NO_REFRESH.some((prefix) => path.startsWith(prefix))) throw error;
      if (!(await this.refreshSession())) {
        // Asking who is signed in is how a signed-out visitor is found out: not an expiry.
        if (!path.startsWith('/auth/me')) this.onSessionExpired?.();
        throw error;
      }
      return this.send<T>(path, options);
    }
  }

  async getText(path: string, signal?: AbortSignal): Promise<string> {
    const { body } = await this.request<unknown>(path, { accept: 'text/plain', ...(signal ? { signal } : {}) });
    return typeof body === 'string' ? body : JSON.stringify(body);
  }

  /** Renews the session from its refresh cookie; concurrent callers share one attempt. */
  refreshSession(): Promise<boolean> {
    this.refreshing ??= this.send('/auth/refresh', { method: 'POST', body: {} })
      .then(
        () => true,
        () => false,
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async send<T>(path: string, options: RequestOptions): Promise<HttpResponse<T>> {
    const requestId = newRequestId();
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = {
      accept: options.accept ?? 'application/json',
      'x-request-id': requestId,
      ...options.headers,
    };
    if (!SAFE_METHODS.has(method)) {
      const csrf = readCookie(CSRF_COOKIE);
      if (csrf) headers[CSRF_HEADER] = csrf;
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body !== undefined ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw networkError(requestId, error);
    }
    const answeredId = response.headers.get('x-request-id') ?? requestId;
    const parsed = await readBody(response);
    if (!response.ok) throw errorFromResponse(response.status, parsed, answeredId);
    return { status: response.status, body: parsed as T, requestId: answeredId, headers: response.headers };
  }
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
