import type { CodeableConcept, Resource } from '@medplum/fhirtypes';

type AnyResource = Record<string, unknown>;

function instant(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  // A bare date (or year-month) is taken at its start, in UTC, so every item compares on one scale.
  const padded = /^\d{4}$/.test(value) ? `${value}-01-01` : /^\d{4}-\d{2}$/.test(value) ? `${value}-01` : value;
  const time = Date.parse(padded);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function periodStart(value: unknown): string | undefined {
  return value && typeof value === 'object' ? instant((value as { start?: unknown }).start) : undefined;
}

/** When an item happened, as a UTC instant: the clinically meaningful date of each type, else when it was recorded. */
export function resourceDate(resource: Resource): string | undefined {
  const r = resource as unknown as AnyResource;
  const first = (...values: (string | undefined)[]) => values.find(Boolean);
  switch (resource.resourceType) {
    case 'Encounter':
    case 'CarePlan':
    case 'Flag':
      return periodStart(r.period);
    case 'Condition':
      return first(instant(r.onsetDateTime), periodStart(r.onsetPeriod), instant(r.recordedDate));
    case 'Observation':
    case 'DiagnosticReport':
      return first(
        instant(r.effectiveDateTime),
        periodStart(r.effectivePeriod),
        instant(r.effectiveInstant),
        instant(r.issued),
      );
    case 'Procedure':
      return first(instant(r.performedDateTime), periodStart(r.performedPeriod));
    case 'MedicationRequest':
    case 'ServiceRequest':
      return instant(r.authoredOn);
    case 'MedicationStatement':
      return first(instant(r.effectiveDateTime), periodStart(r.effectivePeriod), instant(r.dateAsserted));
    case 'Immunization':
      return instant(r.occurrenceDateTime);
    case 'AllergyIntolerance':
      return first(instant(r.recordedDate), instant(r.onsetDateTime));
    case 'DocumentReference':
      return instant(r.date);
    case 'ImagingStudy':
      return instant(r.started);
    default:
      return undefined;
  }
}

function conceptText(concept: unknown): string | undefined {
  const c = concept as CodeableConcept | undefined;
  return c?.text ?? c?.coding?.find((coding) => coding.display)?.display ?? c?.coding?.[0]?.code;
}

/** A short human label: the item's code text or display. */
export function resourceLabel(resource: Resource): string {
  const r = resource as unknown as AnyResource;
  const concepts: unknown[] = [
    r.code,
    Array.isArray(r.type) ? r.type[0] : r.type,
    r.medicationCodeableConcept,
    r.vaccineCode,
    Array.isArray(r.category) ? r.category[0] : undefined,
    Array.isArray(r.procedureCode) ? r.procedureCode[0] : undefined,
  ];
  for (const concept of concepts) {
    const text = conceptText(concept);
    if (text) return text;
  }
  return resource.resourceType;
}
