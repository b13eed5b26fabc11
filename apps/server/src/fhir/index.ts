export { isResourceType, loadDefinitions, resourceTypes, searchParametersFor } from './core/definitions';
export { FhirError, fhirErrors } from './core/outcome';
export { type FhirContext, FhirRepository, type WriteGuard } from './core/repository';
export type { BundleService, FhirServices, SearchService } from './fhir-services';
export { createFhirServices } from './fhir-wiring';
export { fhirContextOf } from './http/fhir-context';
export { FHIR_BASE_PATH, registerFhirRoutes } from './http/fhir-routes';
export { type FhirOperation, OperationRegistry } from './operations/operation-registry';
