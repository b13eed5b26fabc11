import { FhirError } from '../../fhir';
import { AppError } from '../../platform/http';

/** Error codes of the identity module (also listed in docs/errors.md). */
export const IDENTITY_ERROR_CODES = [
  'AUTH_REQUIRED',
  'AUTH_INVALID_TOKEN',
  'AUTH_INVALID_CREDENTIALS',
  'AUTH_ACCOUNT_LOCKED',
  'AUTH_MFA_REQUIRED',
  'AUTH_MFA_INVALID',
  'AUTH_MFA_NOT_ENROLLED',
  'AUTH_REFRESH_INVALID',
  'AUTH_REFRESH_REUSED',
  'AUTH_CSRF',
  'AUTH_FORBIDDEN',
  'AUTH_ROUTE_UNDECLARED',
  'AUTH_TENANT_CHOICE',
  'AUTH_SWITCH_FORBIDDEN',
  'AUTH_SWITCH_NOT_MEMBER',
  'AUTH_SWITCH_MFA_REQUIRED',
  'AUTH_SWITCH_MFA_INVALID',
  'AUTH_INVALID_CLIENT',
  'AUTH_UNSUPPORTED_GRANT',
  'IDENTITY_INVALID_REQUEST',
  'IDENTITY_WEAK_PASSWORD',
  'IDENTITY_TENANT_NOT_FOUND',
  'IDENTITY_TENANT_EXISTS',
  'IDENTITY_USER_EXISTS',
  'IDENTITY_USER_NOT_FOUND',
] as const;
export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[number];

export const identityErrors = {
  authRequired: () => new AppError(401, 'AUTH_REQUIRED', 'Sign in first: send Authorization: Bearer <access token>'),
  invalidToken: (why: string) => new AppError(401, 'AUTH_INVALID_TOKEN', `The access token is not accepted: ${why}`),
  invalidCredentials: () => new AppError(401, 'AUTH_INVALID_CREDENTIALS', 'Wrong email or password'),
  accountLocked: (retryAfterSeconds: number) =>
    new AppError(429, 'AUTH_ACCOUNT_LOCKED', 'Too many failed sign-ins; try again later', { retryAfterSeconds }),
  mfaRequired: () =>
    new AppError(401, 'AUTH_MFA_REQUIRED', 'This account uses two-factor sign-in: send totp or recoveryCode'),
  mfaInvalid: () => new AppError(401, 'AUTH_MFA_INVALID', 'The two-factor code is wrong or was already used'),
  mfaNotEnrolled: () => new AppError(409, 'AUTH_MFA_NOT_ENROLLED', 'Start TOTP enrolment first'),
  refreshInvalid: () => new AppError(401, 'AUTH_REFRESH_INVALID', 'The refresh token is unknown, expired or revoked'),
  refreshReused: () =>
    new AppError(
      401,
      'AUTH_REFRESH_REUSED',
      'The refresh token was already used; every token of its sign-in is now revoked',
    ),
  csrf: () => new AppError(403, 'AUTH_CSRF', 'Cookie-authenticated changes need the X-CSRF-Token header'),
  forbidden: (rule: string) => new AppError(403, 'AUTH_FORBIDDEN', `Your role does not allow this (${rule})`),
  routeUndeclared: () =>
    new AppError(403, 'AUTH_ROUTE_UNDECLARED', 'This route declares no access rule, so nobody may call it'),
  tenantChoice: (choices: { id: string; name: string }[]) =>
    new AppError(400, 'AUTH_TENANT_CHOICE', 'You belong to several tenants: say which with "tenant"', {
      tenants: choices.map((choice) => choice.id),
      choices,
    }),
  // A tenant switch answers 403, never 401: the caller's sign-in is valid, and a 401 tells clients to renew it.
  switchForbidden: () =>
    new AppError(
      403,
      'AUTH_SWITCH_FORBIDDEN',
      'Only a person’s own sign-in can switch tenant (not a service client or an app’s token)',
    ),
  switchNotMember: () => new AppError(403, 'AUTH_SWITCH_NOT_MEMBER', 'You have no active membership in that tenant'),
  switchMfaRequired: () =>
    new AppError(
      403,
      'AUTH_SWITCH_MFA_REQUIRED',
      'Your account uses two-factor sign-in: send totp or recoveryCode to switch tenant',
    ),
  switchMfaInvalid: () =>
    new AppError(403, 'AUTH_SWITCH_MFA_INVALID', 'The two-factor code is wrong or was already used'),
  invalidClient: () => new AppError(401, 'AUTH_INVALID_CLIENT', 'Unknown client or wrong secret'),
  unsupportedGrant: (grant: string) =>
    new AppError(400, 'AUTH_UNSUPPORTED_GRANT', `Grant type '${grant}' is not supported`),
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'IDENTITY_INVALID_REQUEST', message, path ? { path } : undefined),
  weakPassword: (reasons: string[]) =>
    new AppError(422, 'IDENTITY_WEAK_PASSWORD', `The password is too weak: ${reasons.join('; ')}`, { reasons }),
  tenantNotFound: (tenant: string) => new AppError(404, 'IDENTITY_TENANT_NOT_FOUND', `No tenant '${tenant}'`),
  tenantExists: (what: string) =>
    new AppError(409, 'IDENTITY_TENANT_EXISTS', `A tenant with this ${what} already exists`),
  userExists: () => new AppError(409, 'IDENTITY_USER_EXISTS', 'A user with this email already exists'),
  userNotFound: () => new AppError(404, 'IDENTITY_USER_NOT_FOUND', 'No such user in this tenant'),
};

/** FHIR routes answer with an OperationOutcome: the same code and message, in FHIR's shape. */
export function asFhirError(appError: AppError): FhirError {
  const code = appError.status === 401 ? 'login' : appError.status === 403 ? 'forbidden' : 'throttled';
  return new FhirError(appError.status, [{ severity: 'error', code, diagnostics: appError.message }], appError.code);
}
