import { AppError } from '../../platform/http';

/** Error codes of the SMART on FHIR / OpenID Connect module (also listed in docs/errors.md). */
export const SMART_ERROR_CODES = [
  'SMART_INVALID_REQUEST',
  'SMART_CLIENT_NOT_FOUND',
  'SMART_LAUNCH_INVALID',
  'SMART_NOT_MEMBER',
  'SMART_INTERACTION_EXPIRED',
  'SMART_EXTERNAL_SIGNIN_FAILED',
  'SMART_EXTERNAL_NOT_CONFIGURED',
] as const;

export const smartErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'SMART_INVALID_REQUEST', message, path ? { path } : undefined),
  clientNotFound: (clientId: string) =>
    new AppError(404, 'SMART_CLIENT_NOT_FOUND', `No registered app '${clientId}' in this tenant`),
  launchInvalid: () =>
    new AppError(400, 'SMART_LAUNCH_INVALID', 'The launch is unknown, expired, or was made for another app or user'),
  notMember: () =>
    new AppError(403, 'SMART_NOT_MEMBER', 'You are not a member of the organization this app belongs to'),
  interactionExpired: (why: string) => new AppError(400, 'SMART_INTERACTION_EXPIRED', why),
  externalFailed: (why: string) => new AppError(401, 'SMART_EXTERNAL_SIGNIN_FAILED', `External sign-in failed: ${why}`),
  externalNotConfigured: () =>
    new AppError(404, 'SMART_EXTERNAL_NOT_CONFIGURED', 'Sign-in through an external provider is not configured'),
};
