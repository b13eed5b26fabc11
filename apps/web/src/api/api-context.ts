import { createContext } from 'react';
import type { FhirClient } from './fhir-client';
import type { HttpClient } from './http-client';

export interface Api {
  http: HttpClient;
  fhir: FhirClient;
}

export const ApiContext = createContext<Api | undefined>(undefined);
