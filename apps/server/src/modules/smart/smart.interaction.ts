import { parse as parseQuery } from 'node:querystring';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { type FhirServices, fhirContextOf } from '../../fhir';
import { AppError } from '../../platform/http';
import type { AuditService } from '../audit';
import type { IdentityService, Principal } from '../identity';
import { smartErrors } from './smart.errors';
import type { ClientMetadata } from './smart.provider';
import { INTERACTION_PREFIX } from './smart.provider';
import { isResourceScope, splitScopes } from './smart.scopes';
import type { SmartService } from './smart.service';
import { consentPage, loginPage } from './smart.views';

export interface InteractionDeps {
  provider: Provider;
  identity: IdentityService;
  smart: SmartService;
  fhir: FhirServices;
  audit: AuditService;
  fhirBase: string;
  /** Set when sign-in through an external OpenID Connect provider is configured. */
  external?: { name: string; startUrl: (uid: string) => string };
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

function formBody(request: FastifyRequest): Record<string, string | string[] | undefined> {
  return typeof request.body === 'string' ? parseQuery(request.body) : {};
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function html(reply: FastifyReply, body: string, status = 200) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .header('x-frame-options', 'DENY')
    .send(body);
}

/**
 * The pages of an authorization: sign-in (with two-factor when enrolled, or a Meridian session cookie
 * already present), then consent with the patient picker when the app needs a patient and none was
 * launched with. Every step ends by handing the result back to oidc-provider.
 */
export function registerInteractionRoutes(app: FastifyInstance, deps: InteractionDeps): void {
  const { provider, smart } = deps;

  // Once signed in, the caller of these pages is the user of the authorization (before the access layer
  // builds its guard for the caller, so the patient picker sees what that user may see).
  app.addHook('preValidation', async (request, reply) => {
    if (!request.url.startsWith(`${INTERACTION_PREFIX}/`)) return;
    const details = await provider.interactionDetails(request.raw, reply.raw).catch(() => undefined);
    const accountId = details?.session?.accountId;
    if (!details || !accountId) return;
    const client = (await provider.Client.find(String(details.params.client_id))) as unknown as
      | ClientMetadata
      | undefined;
    if (!client) return;
    const who = await smart.userPrincipal(client.tenant_id, String(accountId));
    request.principal = who.principal;
    request.tenantId = client.tenant_id;
  });

  const load = async (request: FastifyRequest, reply: FastifyReply) => {
    let details: Details;
    try {
      details = await provider.interactionDetails(request.raw, reply.raw);
    } catch {
      throw smartErrors.interactionExpired(
        'This sign-in has expired or was opened elsewhere; start again from the app',
      );
    }
    const uid = (request.params as { uid: string }).uid;
    if (details.uid !== uid)
      throw smartErrors.interactionExpired('This sign-in does not match; start again from the app');
    const client = (await provider.Client.find(String(details.params.client_id))) as unknown as
      | (ClientMetadata & { clientName?: string; clientId: string })
      | undefined;
    if (!client) throw smartErrors.interactionExpired('The app is no longer registered');
    return { details, client, tenant: client.tenant_id, name: client.clientName ?? client.clientId };
  };

  const finish = async (request: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>) => {
    const returnTo = await provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
    return reply.code(303).header('location', returnTo).send();
  };

  const showLogin = (
    reply: FastifyReply,
    uid: string,
    name: string,
    extra: { error?: string; email?: string; askTotp?: boolean } = {},
    status = 200,
  ) =>
    html(
      reply,
      loginPage({
        action: `${INTERACTION_PREFIX}/${uid}/login`,
        clientName: name,
        ...extra,
        ...(deps.external ? { externalUrl: deps.external.startUrl(uid), externalName: deps.external.name } : {}),
      }),
      status,
    );

  const showConsent = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: Awaited<ReturnType<typeof load>>,
    error?: string,
  ) => {
    const { details, tenant, name } = state;
    const accountId = String(details.session?.accountId);
    const who = await smart.userPrincipal(tenant, accountId);
    const context = await smart.launchContextFor(details.params, tenant, who);
    const scopes = requestedScopes(details);
    let patients: { id: string; label: string }[] | undefined;
    const query = first((request.query as Record<string, string | string[]>).q)?.slice(0, 100);
    if (context.needsPatient && !context.patient) patients = await listPatients(request, who, deps, query);
    return html(
      reply,
      consentPage({
        action: `${INTERACTION_PREFIX}/${details.uid}/consent`,
        searchAction: `${INTERACTION_PREFIX}/${details.uid}`,
        clientName: name,
        userName: who.displayName,
        scopes,
        ...(patients ? { patients, patientQuery: query ?? '' } : {}),
        ...(error ? { error } : {}),
      }),
      error ? 400 : 200,
    );
  };

  app.get<{ Params: { uid: string } }>(
    `${INTERACTION_PREFIX}/:uid`,
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const state = await load(request, reply);
      if (state.details.prompt.name === 'login') {
        // A Meridian session in this browser (the web app's cookie) signs the user in without a form.
        const principal = request.principal;
        if (principal?.kind === 'user' && principal.userId && principal.tenantId === state.tenant) {
          return finish(request, reply, { login: { accountId: principal.userId, amr: ['session'] } });
        }
        return showLogin(reply, state.details.uid, state.name);
      }
      return showConsent(request, reply, state);
    },
  );

  app.post<{ Params: { uid: string } }>(
    `${INTERACTION_PREFIX}/:uid/login`,
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const state = await load(request, reply);
      const body = formBody(request);
      const email = first(body.email)?.trim() ?? '';
      const password = first(body.password) ?? '';
      const totp = first(body.totp)?.trim() || undefined;
      try {
        const userId = await smart.signIn({ email, password, totp, tenant: state.tenant }, request);
        return finish(request, reply, { login: { accountId: userId, amr: totp ? ['pwd', 'otp'] : ['pwd'] } });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'AUTH_MFA_REQUIRED' || error.code === 'AUTH_MFA_INVALID') {
          const message =
            error.code === 'AUTH_MFA_REQUIRED' ? 'Enter the code from your authenticator app' : error.message;
          return showLogin(reply, state.details.uid, state.name, { email, askTotp: true, error: message }, 401);
        }
        const message = error.code === 'AUTH_ACCOUNT_LOCKED' ? error.message : 'Wrong email or password';
        return showLogin(reply, state.details.uid, state.name, { email, error: message }, error.status);
      }
    },
  );

  app.post<{ Params: { uid: string } }>(
    `${INTERACTION_PREFIX}/:uid/consent`,
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const state = await load(request, reply);
      const { details, tenant, client } = state;
      if (details.prompt.name !== 'consent') return reply.code(303).header('location', details.returnTo).send();
      const body = formBody(request);
      const accountId = String(details.session?.accountId);
      if (first(body.decision) === 'deny') {
        await smart.auditAuthorize({
          tenant,
          userId: accountId,
          clientId: client.clientId,
          outcome: 'denied',
          request,
        });
        return finish(request, reply, { error: 'access_denied', error_description: 'The user did not allow access' });
      }
      const chosen = new Set(Array.isArray(body.scope) ? body.scope : body.scope ? [body.scope] : []);
      const requested = requestedScopes(details);
      const who = await smart.userPrincipal(tenant, accountId);
      const context = await smart.launchContextFor(details.params, tenant, who);
      let patient = context.patient;
      if (context.needsPatient && !patient) {
        const picked = first(body.patient);
        if (!picked || !(await patientVisible(request, who, deps, picked))) {
          return showConsent(request, reply, state, 'Choose a patient');
        }
        patient = picked;
      }
      const grant = new provider.Grant({ accountId, clientId: client.clientId });
      const allowed = requested.filter((scope) => chosen.has(scope));
      const refused = requested.filter((scope) => !chosen.has(scope));
      const oidc = (list: string[]) => list.filter((scope) => !isResourceScope(scope)).join(' ');
      const resource = (list: string[]) => list.filter(isResourceScope).join(' ');
      if (oidc(allowed)) grant.addOIDCScope(oidc(allowed));
      if (oidc(refused)) grant.rejectOIDCScope(oidc(refused));
      if (resource(allowed)) grant.addResourceScope(deps.fhirBase, resource(allowed));
      if (resource(refused)) grant.rejectResourceScope(deps.fhirBase, resource(refused));
      const grantId = await grant.save();
      await smart.saveGrantContext(tenant, grantId, {
        userId: accountId,
        patient,
        encounter: context.encounter,
        fhirUser: who.fhirUser,
        roles: externalRolesOf(details),
      });
      await smart.auditAuthorize({
        tenant,
        userId: accountId,
        clientId: client.clientId,
        outcome: 'success',
        patient,
        detail: `scope ${allowed.join(' ')}`,
        request,
      });
      return finish(request, reply, { consent: { grantId } });
    },
  );
}

/** Roles mapped from an external identity provider's claims at this sign-in, when it went that way. */
function externalRolesOf(details: Details): string[] | undefined {
  const login = (details.lastSubmission as { login?: { meridianRoles?: unknown } } | undefined)?.login;
  return Array.isArray(login?.meridianRoles) ? login.meridianRoles.map(String) : undefined;
}

/** What the consent page asks about: the scopes oidc-provider says are still missing from the grant. */
function requestedScopes(details: Details): string[] {
  const prompt = details.prompt.details as {
    missingOIDCScope?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const oidc = (prompt.missingOIDCScope ?? []).filter((scope) => scope !== 'openid');
  const resource = Object.values(prompt.missingResourceScopes ?? {}).flat();
  const all = [...oidc, ...resource];
  // openid is implied by the sign-in itself; keep it granted without asking.
  if ((prompt.missingOIDCScope ?? []).includes('openid')) all.unshift('openid');
  return [...new Set(all.length ? all : splitScopes(String(details.params.scope ?? '')))];
}

function asCaller(request: FastifyRequest, who: { principal: Principal }) {
  if (request.principal?.userId !== who.principal.userId) throw smartErrors.notMember();
  return fhirContextOf(request);
}

async function listPatients(
  request: FastifyRequest,
  who: { principal: Principal },
  deps: InteractionDeps,
  query: string | undefined,
): Promise<{ id: string; label: string }[]> {
  const params: [string, string][] = [
    ['_count', '25'],
    ['_sort', 'family'],
  ];
  if (query) params.push(['name', query]);
  const bundle: Bundle = await deps.fhir.search.search(
    asCaller(request, who),
    { resourceType: 'Patient', params, handling: 'lenient' },
    deps.fhirBase,
  );
  return (bundle.entry ?? [])
    .map((entry) => entry.resource as Patient | undefined)
    .filter((patient): patient is Patient & { id: string } => !!patient?.id)
    .map((patient) => {
      const name = patient.name?.[0];
      const label = [name?.given?.join(' '), name?.family].filter(Boolean).join(' ') || patient.id;
      return { id: patient.id, label: patient.birthDate ? `${label} (born ${patient.birthDate})` : label };
    });
}

async function patientVisible(
  request: FastifyRequest,
  who: { principal: Principal },
  deps: InteractionDeps,
  id: string,
): Promise<boolean> {
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) return false;
  try {
    await deps.fhir.repository.read(asCaller(request, who), 'Patient', id);
    return true;
  } catch {
    return false;
  }
}

export { patientVisible };
