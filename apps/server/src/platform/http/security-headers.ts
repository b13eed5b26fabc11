import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface SecurityHeaderOptions {
  /** Served over TLS (PUBLIC_BASE_URL is https): HSTS, and browsers upgrade any stray http subresource. */
  tls: boolean;
}

/**
 * The Content-Security-Policy the web app at / and Swagger UI at /docs work under: scripts only from
 * this origin (Vite emits no inline script), styles from this origin plus inline styles (Mantine and
 * Swagger UI set style attributes and <style> elements at run time), images also as data: and blob:
 * URLs. No form-action: the OAuth sign-in form's answer redirects to the registered app's own address.
 */
export function contentSecurityPolicy(tls: boolean): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'self'"],
    ...(tls ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/**
 * Security headers on every answer (@fastify/helmet): CSP, nosniff, frame and referrer policies, and
 * Strict-Transport-Security when served over TLS (never on plain HTTP, where it would lock browsers out
 * of a development server).
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(options.tls) },
    strictTransportSecurity: options.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}
