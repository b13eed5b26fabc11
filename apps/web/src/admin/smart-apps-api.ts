import type { HttpClient } from '../api/http-client';

export type SmartAppType = 'public' | 'confidential' | 'backend';

/** An app registered with the tenant's SMART on FHIR authorization server. */
export interface SmartApp {
  client_id: string;
  /** Shown once, when a confidential app without keys is registered. */
  client_secret?: string;
  name: string;
  type: SmartAppType;
  role: string;
  scope: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  grant_types: string[];
  created_at: string;
}

export interface SmartAppInput {
  name: string;
  type: SmartAppType;
  redirect_uris?: string[];
  launch_uri?: string;
  scope?: string;
  jwks_uri?: string;
  jwks?: { keys: unknown[] };
}

export const SMART_APP_TYPES: { value: SmartAppType; label: string; description: string }[] = [
  { value: 'public', label: 'Browser or mobile app', description: 'No secret; signs in with PKCE' },
  { value: 'confidential', label: 'Server-side app', description: 'Keeps a client secret or its own keys' },
  { value: 'backend', label: 'Backend service', description: 'No user; signs its token requests with its keys' },
];

/** Redirect URIs typed one per line (or separated by spaces), blanks dropped. */
export function parseUriList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((uri) => uri.trim())
    .filter(Boolean);
}

/** The form's fields as the registration body: what an app type needs, nothing it does not. */
export function registrationBody(form: {
  name: string;
  type: SmartAppType;
  redirectUris: string;
  launchUri: string;
  scope: string;
  jwksUri: string;
  jwks: string;
}): { body?: SmartAppInput; problems: Partial<Record<'name' | 'redirect_uris' | 'jwks' | 'launch_uri', string>> } {
  const problems: Partial<Record<'name' | 'redirect_uris' | 'jwks' | 'launch_uri', string>> = {};
  const name = form.name.trim();
  if (!name) problems.name = 'Give the app a name';
  const redirectUris = parseUriList(form.redirectUris);
  if (form.type !== 'backend' && !redirectUris.length)
    problems.redirect_uris = 'An app needs at least one redirect URI';
  let jwks: { keys: unknown[] } | undefined;
  if (form.jwks.trim()) {
    try {
      const parsed = JSON.parse(form.jwks) as { keys?: unknown };
      if (!Array.isArray(parsed.keys) || !parsed.keys.length) throw new Error('no keys');
      jwks = { keys: parsed.keys };
    } catch {
      problems.jwks = 'Paste a JSON Web Key Set: {"keys": [ … ]}';
    }
  }
  if (form.type === 'backend' && !jwks && !form.jwksUri.trim() && !problems.jwks) {
    problems.jwks = 'A backend service needs its public keys: a JWKS URL or the key set';
  }
  if (Object.keys(problems).length) return { problems };
  const body: SmartAppInput = { name, type: form.type };
  if (form.type !== 'backend') body.redirect_uris = redirectUris;
  if (form.launchUri.trim() && form.type !== 'backend') body.launch_uri = form.launchUri.trim();
  if (form.scope.trim()) body.scope = form.scope.trim().split(/\s+/).join(' ');
  if (form.jwksUri.trim()) body.jwks_uri = form.jwksUri.trim();
  else if (jwks) body.jwks = jwks;
  return { body, problems };
}

export function smartAppsApi(http: HttpClient) {
  return {
    async list(signal?: AbortSignal): Promise<SmartApp[]> {
      return (await http.request<{ clients: SmartApp[] }>('/smart/clients', signal ? { signal } : {})).body.clients;
    },
    async register(input: SmartAppInput): Promise<SmartApp> {
      return (await http.request<SmartApp>('/smart/clients', { method: 'POST', body: input })).body;
    },
    async remove(clientId: string): Promise<void> {
      await http.request<void>(`/smart/clients/${encodeURIComponent(clientId)}`, { method: 'DELETE' });
    },
  };
}
