import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build -w apps/web` writes the web application. */
export const WEB_APP_DIST = fileURLToPath(new URL('../../../../web/dist', import.meta.url));

/**
 * Paths the server answers itself. The web app never shadows them, not even with its fallback page for
 * paths that do not exist: an API client asking for a wrong URL gets the API's 404, not HTML.
 */
export const SERVER_PATHS = [
  '/fhir',
  '/docs',
  '/healthz',
  '/readyz',
  '/metrics',
  '/admin',
  '/auth',
  '/identity',
  '/api',
  '/.well-known',
] as const;

export function isServerPath(path: string): boolean {
  return SERVER_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

// The app loads only its own scripts; Mantine sets inline styles, hence 'unsafe-inline' for styles only.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Meridian</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Meridian is running, but its web application is not built</h1>
<p>The API is available (<a href="/fhir/R4/metadata">/fhir/R4/metadata</a>, <a href="/docs">/docs</a>).
To serve the web application here, build it and reload this page:</p>
<pre style="background: #f1f3f5; padding: 1rem; border-radius: 6px">npm run build -w apps/web</pre>
<p><code>npm start</code> builds it for you before starting the server.</p>
</body></html>
`;

export interface WebAppOptions {
  /** Folder of the built app; defaults to apps/web/dist. */
  root?: string;
}

/** A file inside root for this URL path, or undefined (no such file, a folder, or outside root). */
function fileFor(root: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const absolute = resolve(root, `.${decoded}`);
  if (!absolute.startsWith(`${root}${sep}`)) return undefined;
  try {
    return statSync(absolute).isFile() ? absolute.slice(root.length + 1) : undefined;
  } catch {
    return undefined;
  }
}

function acceptsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/.test(request.headers.accept ?? '');
}

function sendIndex(reply: FastifyReply, root: string) {
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .sendFile('index.html', root, { cacheControl: false });
}

/**
 * Serves the built web application at `/`. Files that exist are sent as they are (hashed assets cached for
 * a year); any other GET path that is not the server's own answers index.html, so the app's routes work
 * on reload and from bookmarks. Without a build, the server still starts and `/` says how to build it.
 */
export async function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): Promise<void> {
  const root = resolve(options.root ?? WEB_APP_DIST);

  await app.register(async (scope) => {
    // Encapsulated: the Swagger UI registers its own copy of @fastify/static and reply.sendFile.
    await scope.register(fastifyStatic, { serve: false, preCompressed: true });

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (isServerPath(path)) return reply.callNotFound();
      if (!existsSync(join(root, 'index.html'))) {
        if (path !== '/' && !acceptsHtml(request)) return reply.callNotFound();
        return reply
          .code(503)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(NOT_BUILT_PAGE);
      }
      const file = path === '/' ? undefined : fileFor(root, path);
      if (path === '/' || file === 'index.html') return sendIndex(reply, root);
      if (file) {
        const hashed = file.startsWith(`assets${sep}`);
        return reply
          .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .sendFile(file, root, { cacheControl: false });
      }
      // A missing script or image is a 404; only page addresses asked for by a browser fall back to the
      // app. An API client that mistypes a URL gets a 404 problem body, not a page of HTML.
      if (extname(path) || !acceptsHtml(request)) return reply.callNotFound();
      return sendIndex(reply, root);
    };

    const route = { config: { access: 'public' }, schema: { hide: true } };
    scope.get('/', route, handler);
    scope.get('/*', route, handler);
  });
}
