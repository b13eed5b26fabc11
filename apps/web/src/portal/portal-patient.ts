import { createContext, useContext } from 'react';

/** The id of the Patient the signed-in person is; the portal frame provides it once known. */
export const PortalPatientContext = createContext<string | undefined>(undefined);

export function usePortalPatient(): string {
  const patientId = useContext(PortalPatientContext);
  if (!patientId) throw new Error('usePortalPatient must be used inside the portal frame');
  return patientId;
}
