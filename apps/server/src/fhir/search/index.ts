export { searchIndexWriter } from './index-writer';
export { shapeResource, shapeStored } from './resource-summary';
export type { SearchIndexWriter } from './search-index';
export { FhirSearchService } from './search-service';
