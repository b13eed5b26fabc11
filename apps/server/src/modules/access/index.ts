export { allowsRoute, isKnownRouteRule, ROUTE_ACCESS_RULES } from './access.policy';
