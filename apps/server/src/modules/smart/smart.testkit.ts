import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import smart from 'fhirclient';

/**
 * Test helpers for SMART flows over real ports: a browser that keeps cookies and follows redirects, and a
 * SMART app built on `fhirclient` (the SMART library written by others) with a launch and a redirect URI.
 */

export interface Page {
  status: number;
  url: string;
  body: string;
  headers: Headers;
}

export class Browser {
  /** Cookies by name and path (like a browser, ports do not separate them; paths do). */
  readonly jar = new Map<string, { name: string; value: string; path: string }>();

  /** Sets a cookie for every path (e.g. a session cookie obtained elsewhere). */
  setCookie(name: string, value: string, path = '/'): void {
    this.jar.set(`${name};${path}`, { name, value, path });
  }

  private store(response: Response, url: string): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const pathAttribute = attributes
        .map((attribute) => attribute.trim())
        .find((attribute) => /^path=/i.test(attribute));
      const path = pathAttribute ? pathAttribute.slice(5) : new URL(url).pathname.replace(/\/[^/]*$/, '') || '/';
      const expired =
        attributes.some((attribute) => /max-age=0\b/i.test(attribute.trim())) || /expires=Thu, 01 Jan 1970/i.test(line);
      if (expired || !value) this.jar.delete(`${name};${path}`);
      else this.setCookie(name, value, path);
    }
  }

  private cookieHeader(url: string): string {
    const path = new URL(url).pathname;
    return [...this.jar.values()]
      .filter(
        (cookie) =>
          path === cookie.path || path.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`),
      )
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  async request(url: string, init: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<Page> {
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(init.form)) {
        for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
      }
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    this.store(response, url);
    return { status: response.status, url, body: await response.text(), headers: response.headers };
  }

  /** Requests a URL and follows redirects (as GETs) until a page answers, or `stop` says so. */
  async follow(
    url: string,
    init: { method?: string; form?: Record<string, string | string[]> } = {},
    stop: (url: string) => boolean = () => false,
  ): Promise<Page> {
    let page = await this.request(url, init);
    for (let hops = 0; page.status >= 300 && page.status < 400 && hops < 20; hops++) {
      const next = new URL(page.headers.get('location')!, page.url).href;
      if (stop(next)) return { ...page, url: next };
      page = await this.request(next);
    }
    return page;
  }
}

/** The `action` of the form whose action contains `contains` (HTML-unescaped), made absolute. */
export function formAction(page: Page, contains: string): string {
  const actions = [...page.body.matchAll(/<form\b[^>]*>/g)]
    .map((match) => match[0])
    .filter((tag) => /method="post"/i.test(tag))
    .map((tag) => (/action="([^"]+)"/.exec(tag)?.[1] ?? '').replace(/&amp;/g, '&'));
  const action = actions.find((candidate) => candidate.includes(contains));
  if (!action)
    throw new Error(`no form posting to *${contains}* on ${page.url} (${page.status}): ${page.body.slice(0, 400)}`);
  return new URL(action, page.url).href;
}

export type SmartClient = ReturnType<ReturnType<typeof smart>['client']>;

export interface SmartApp {
  origin: string;
  redirectUri: string;
  /** Set once the app's redirect URI has completed the code exchange. */
  client?: SmartClient;
  error?: Error;
  close(): Promise<void>;
}

/**
 * A SMART app: `/launch` starts authorization through fhirclient (EHR launch when given `launch`,
 * standalone with `iss` alone), `/callback` finishes it (code → token) and keeps the ready client.
 */
export async function startSmartApp(options: {
  clientId: string;
  scope: string;
  pkce?: 'required' | 'disabled';
}): Promise<SmartApp> {
  const storageData = new Map<string, unknown>();
  const storage = {
    get: async (key: string) => storageData.get(key),
    set: async (key: string, value: unknown) => {
      storageData.set(key, value);
      return value;
    },
    unset: async (key: string) => storageData.delete(key),
  };
  const app: SmartApp = { origin: '', redirectUri: '', close: async () => {} };
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', app.origin);
    try {
      const api = smart(request, response, storage as never);
      if (url.pathname === '/launch') {
        await api.authorize({
          clientId: options.clientId,
          scope: options.scope,
          redirectUri: app.redirectUri,
          pkceMode: options.pkce ?? 'required',
        } as never);
        return;
      }
      if (url.pathname === '/callback') {
        app.client = await api.ready();
        // A public client names itself when refreshing (fhirclient's own option for this).
        (app.client.environment as unknown as { options: Record<string, unknown> }).options.refreshTokenWithClientId =
          true;
        response.writeHead(200, { 'content-type': 'text/plain' }).end('app ready');
        return;
      }
      response.writeHead(404).end();
    } catch (error) {
      app.error = error as Error;
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String((error as Error).message));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.redirectUri = `${app.origin}/callback`;
  app.close = () => new Promise((resolve) => server.close(() => resolve()));
  return app;
}
