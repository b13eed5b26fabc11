export {
  CLIENT_IDENTIFIER_SYSTEM,
  type ClinicalActor,
  clinicalActorOf,
  USER_IDENTIFIER_SYSTEM,
} from './identity.actor';
export {
  CSRF_COOKIE,
  CSRF_HEADER,
  REFRESH_COOKIE,
  type RouteRecord,
  SESSION_COOKIE,
  trackRoutes,
} from './identity.authenticate';
export { SecretBox } from './identity.crypto';
export { IDENTITY_ERROR_CODES, identityErrors } from './identity.errors';
export { type IdentityModuleOptions, registerIdentityModule } from './identity.module';
export { isRole, type Principal, ROLES, type Role } from './identity.schemas';
export type { AccountRevokedListener, IdentityService, LoginInput, RequestMeta, TokenSet } from './identity.service';
/** The FHIR resource a member is in a tenant, for callers whose token does not say (see Principal.fhirUser). */
export { fhirUserOf as memberFhirUser } from './identity.store';
