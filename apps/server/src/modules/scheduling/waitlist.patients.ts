import type { Patient } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type SearchService } from '../../fhir';

/** What the front desk's lists show of a patient. */
export interface PatientLabel {
  name: string;
  mrn?: string | undefined;
}

function nameOf(patient: Patient): string {
  const name = patient.name?.find((entry) => entry.use === 'official') ?? patient.name?.[0];
  return name?.text ?? ([name?.given?.join(' '), name?.family].filter(Boolean).join(' ') || 'Unnamed patient');
}

function mrnOf(patient: Patient): string | undefined {
  return patient.identifier?.find((identifier) => identifier.type?.coding?.some((coding) => coding.code === 'MR'))
    ?.value;
}

/**
 * The patients among `ids` the caller may read (the FHIR access guard decides: care teams, Consents),
 * by id. Patients left out are not shown at all.
 */
export async function readablePatients(
  search: SearchService,
  ctx: FhirContext,
  ids: string[],
): Promise<Map<string, PatientLabel>> {
  const labels = new Map<string, PatientLabel>();
  // One search per hundred ids keeps the query's IN list and the page size modest.
  for (let offset = 0; offset < ids.length; offset += 100) {
    const chunk = ids.slice(offset, offset + 100);
    try {
      const bundle = await search.search(
        ctx,
        {
          resourceType: 'Patient',
          params: [
            ['_id', chunk.join(',')],
            ['_count', String(chunk.length)],
            ['_total', 'none'],
          ],
          handling: 'strict',
        },
        '',
      );
      for (const entry of bundle.entry ?? []) {
        const patient = entry.resource as Patient | undefined;
        if (patient?.id) labels.set(patient.id, { name: nameOf(patient), mrn: mrnOf(patient) });
      }
    } catch (error) {
      if (error instanceof FhirError && error.status === 403) return new Map();
      throw error;
    }
  }
  return labels;
}
