export { defaultPolicy } from './access.defaults';
export { ACCESS_ERROR_CODES, accessErrors } from './access.errors';
export { type AccessModuleOptions, registerAccessModule } from './access.module';
export { allowsRoute, isKnownRouteRule, ROUTE_ACCESS_RULES } from './access.policy';
export type { PolicyDocument, PolicyRule } from './access.schemas';
export type { AccessService, PolicyView } from './access.service';
