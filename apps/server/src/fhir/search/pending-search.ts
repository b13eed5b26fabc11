import { fhirErrors } from '../core/outcome';
import type { SearchService } from '../fhir-services';
import type { SearchIndexWriter } from './search-index';

/** Placeholder until the search engine lands: indexes nothing and refuses searches clearly. */
export const pendingIndexWriter: SearchIndexWriter = { write: async () => {} };

export const pendingSearch: SearchService = {
  async search() {
    throw fhirErrors.notSupported('Search is not available yet');
  },
  async findIds() {
    throw fhirErrors.notSupported('Conditional interactions need search, which is not available yet');
  },
  supportedParameters() {
    return [];
  },
};
