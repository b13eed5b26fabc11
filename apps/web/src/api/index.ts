export { ApiError, type ApiIssue, isApiError } from './api-error';
export { FHIR_BASE, FhirClient, type SearchParams, type SearchResult } from './fhir-client';
export { HttpClient, newRequestId, type RequestOptions } from './http-client';
