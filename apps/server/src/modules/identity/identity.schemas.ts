import { z } from 'zod';

/** The roles a membership or a service client can carry. */
export const ROLES = [
  'super_admin',
  'tenant_admin',
  'physician',
  'nurse',
  'front_desk',
  'billing',
  'pharmacist',
  'patient',
  'system',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is calling, resolved from a bearer token or a session cookie. */
export interface Principal {
  kind: 'user' | 'client';
  /** The user id or the client id. */
  subject: string;
  userId?: string;
  clientId?: string;
  tenantId: string;
  roles: Role[];
  scopes: string[];
  sessionId: string;
  via: 'bearer' | 'cookie';
  /** The FHIR resource the caller is (`Practitioner/…`, `Patient/…`, `RelatedPerson/…`), when known. */
  fhirUser?: string;
  /** SMART launch context: the patient (id) and encounter (id) the token was launched with. */
  patient?: string;
  encounter?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller, when there is one. */
    principal?: Principal;
  }
}

const email = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');
const uuid = z.uuid();

export const loginBody = z.object({
  email,
  password: z.string().min(1).max(1024),
  /** Which tenant to sign in to, when the user belongs to several (id or slug). */
  tenant: z.string().min(1).max(100).optional(),
  totp: z
    .string()
    .regex(/^\d{6}$/, 'must be 6 digits')
    .optional(),
  recoveryCode: z.string().min(8).max(64).optional(),
  /** 'cookie' sets HttpOnly session cookies for a browser instead of returning the tokens. */
  session: z.enum(['token', 'cookie']).default('token'),
});

export const switchTenantBody = z.object({
  /** The tenant to work in (id or slug, as sign-in takes it). */
  tenant: z.string().min(1).max(100),
  /** Needed when the account has two-factor sign-in: every switch asks for a fresh code. */
  totp: z
    .string()
    .regex(/^\d{6}$/, 'must be 6 digits')
    .optional(),
  recoveryCode: z.string().min(8).max(64).optional(),
});

export const refreshBody = z.object({ refresh_token: z.string().min(10).max(500).optional() });

export const tokenRequest = z.discriminatedUnion('grant_type', [
  z.object({
    grant_type: z.literal('client_credentials'),
    client_id: z.string().min(1).max(200).optional(),
    client_secret: z.string().min(1).max(500).optional(),
    scope: z.string().max(2000).optional(),
  }),
  z.object({ grant_type: z.literal('refresh_token'), refresh_token: z.string().min(10).max(500) }),
]);

export const createTenantBody = z.object({
  name: z.string().trim().min(1).max(200),
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes')
    .optional(),
  id: uuid.optional(),
});

export const createUserBody = z.object({
  /** Tenant id or slug. */
  tenant: z.string().min(1).max(100),
  email,
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(ROLES),
  password: z.string().max(1024).optional(),
  /** The FHIR resource the member is (`Patient/<id>` for a patient, `Practitioner/<id>` for a clinician). */
  fhirUser: z
    .string()
    .regex(
      /^(Patient|Practitioner|PractitionerRole|RelatedPerson|Person)\/[A-Za-z0-9\-.]{1,64}$/,
      'must be Patient/<id>, Practitioner/<id>, PractitionerRole/<id>, RelatedPerson/<id> or Person/<id>',
    )
    .optional(),
});

export const createClientBody = z.object({
  tenant: z.string().min(1).max(100),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
});

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().max(1024),
});

export const totpCodeBody = z.object({
  code: z.string().regex(/^\d{6}$/, 'must be 6 digits'),
});

export const introspectBody = z.object({ token: z.string().min(1).max(5000) });
