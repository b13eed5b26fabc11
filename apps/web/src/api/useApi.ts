import { useContext } from 'react';
import { type Api, ApiContext } from './api-context';

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi must be used inside <ApiContext.Provider>');
  return api;
}

export function useFhir() {
  return useApi().fhir;
}
