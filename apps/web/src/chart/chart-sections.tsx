import { Badge } from '@mantine/core';
import type {
  AllergyIntolerance,
  Condition,
  Encounter,
  Immunization,
  MedicationRequest,
  Observation,
  Procedure,
  Resource,
  ResourceType,
} from '@medplum/fhirtypes';
import type { ReactNode } from 'react';
import type { ChartTab } from '../app/routes';
import { formatFhirDateTime } from '../format/dates';
import { codesText, codeText, observationValue, periodText, referenceText, whenText } from './clinical-display';

export interface Column<T> {
  header: string;
  cell: (resource: T) => ReactNode;
}

export interface ChartSection<T extends Resource = Resource> {
  tab: ChartTab;
  label: string;
  resourceType: ResourceType;
  /** What the empty list means, in the chart's words. */
  empty: string;
  columns: Column<T>[];
  /** The date a row is ordered by, newest first. */
  dateOf: (resource: T) => string | undefined;
}

const STATUS_COLORS: Record<string, string> = {
  active: 'red.9',
  recurrence: 'red.9',
  relapse: 'red.9',
  'in-progress': 'blue.8',
  arrived: 'blue.8',
  completed: 'gray.7',
  finished: 'gray.7',
  final: 'gray.7',
  resolved: 'teal.9',
  remission: 'teal.9',
  inactive: 'gray.7',
  stopped: 'gray.7',
  cancelled: 'gray.7',
  'entered-in-error': 'gray.7',
  high: 'red.9',
  low: 'gray.7',
};

function Status({ value }: { value: string | undefined }) {
  if (!value) return <>—</>;
  return (
    <Badge variant="outline" color={STATUS_COLORS[value.toLowerCase()] ?? 'meridian'} tt="none" radius="sm">
      {value}
    </Badge>
  );
}

function or(value: string | undefined): string {
  return value || '—';
}

function section<T extends Resource>(definition: ChartSection<T>): ChartSection<Resource> {
  return definition as unknown as ChartSection<Resource>;
}

export const CHART_SECTIONS: ChartSection[] = [
  section<Condition>({
    tab: 'conditions',
    label: 'Conditions',
    resourceType: 'Condition',
    empty: 'No conditions recorded',
    dateOf: (condition) => condition.onsetDateTime ?? condition.recordedDate,
    columns: [
      { header: 'Condition', cell: (condition) => or(codeText(condition.code)) },
      { header: 'Status', cell: (condition) => <Status value={codeText(condition.clinicalStatus)} /> },
      { header: 'Verification', cell: (condition) => or(codeText(condition.verificationStatus)) },
      {
        header: 'Onset',
        cell: (condition) =>
          or(
            whenText({
              ...(condition.onsetDateTime ? { dateTime: condition.onsetDateTime } : {}),
              ...(condition.onsetPeriod ? { period: condition.onsetPeriod } : {}),
              ...(condition.onsetString ? { string: condition.onsetString } : {}),
              ...(condition.onsetAge ? { age: condition.onsetAge } : {}),
            }),
          ),
      },
      { header: 'Recorded', cell: (condition) => or(formatFhirDateTime(condition.recordedDate)) },
    ],
  }),
  section<Encounter>({
    tab: 'encounters',
    label: 'Encounters',
    resourceType: 'Encounter',
    empty: 'No encounters recorded',
    dateOf: (encounter) => encounter.period?.start,
    columns: [
      {
        header: 'Encounter',
        cell: (encounter) => or(codesText(encounter.type) || encounter.class?.display || encounter.class?.code),
      },
      { header: 'Class', cell: (encounter) => or(encounter.class?.display ?? encounter.class?.code) },
      { header: 'Status', cell: (encounter) => <Status value={encounter.status} /> },
      { header: 'When', cell: (encounter) => or(periodText(encounter.period)) },
      { header: 'Reason', cell: (encounter) => or(codesText(encounter.reasonCode)) },
    ],
  }),
  section<MedicationRequest>({
    tab: 'medications',
    label: 'Medications',
    resourceType: 'MedicationRequest',
    empty: 'No medications prescribed',
    dateOf: (request) => request.authoredOn,
    columns: [
      {
        header: 'Medication',
        cell: (request) =>
          or(codeText(request.medicationCodeableConcept) || referenceText(request.medicationReference)),
      },
      { header: 'Status', cell: (request) => <Status value={request.status} /> },
      { header: 'Dosage', cell: (request) => or(request.dosageInstruction?.map((dose) => dose.text).join('; ')) },
      { header: 'Intent', cell: (request) => or(request.intent) },
      { header: 'Prescribed', cell: (request) => or(formatFhirDateTime(request.authoredOn)) },
    ],
  }),
  section<AllergyIntolerance>({
    tab: 'allergies',
    label: 'Allergies',
    resourceType: 'AllergyIntolerance',
    empty: 'No allergies recorded',
    dateOf: (allergy) => allergy.recordedDate ?? allergy.onsetDateTime,
    columns: [
      { header: 'Substance', cell: (allergy) => or(codeText(allergy.code)) },
      { header: 'Criticality', cell: (allergy) => <Status value={allergy.criticality} /> },
      {
        header: 'Reactions',
        cell: (allergy) =>
          or(
            (allergy.reaction ?? [])
              .flatMap((reaction) => reaction.manifestation.map(codeText))
              .filter(Boolean)
              .join(', '),
          ),
      },
      { header: 'Status', cell: (allergy) => <Status value={codeText(allergy.clinicalStatus)} /> },
      { header: 'Recorded', cell: (allergy) => or(formatFhirDateTime(allergy.recordedDate)) },
    ],
  }),
  section<Immunization>({
    tab: 'immunizations',
    label: 'Immunizations',
    resourceType: 'Immunization',
    empty: 'No immunizations recorded',
    dateOf: (immunization) => immunization.occurrenceDateTime,
    columns: [
      { header: 'Vaccine', cell: (immunization) => or(codeText(immunization.vaccineCode)) },
      { header: 'Status', cell: (immunization) => <Status value={immunization.status} /> },
      {
        header: 'Given',
        cell: (immunization) =>
          or(formatFhirDateTime(immunization.occurrenceDateTime) || immunization.occurrenceString),
      },
      { header: 'Lot', cell: (immunization) => or(immunization.lotNumber) },
    ],
  }),
  section<Procedure>({
    tab: 'procedures',
    label: 'Procedures',
    resourceType: 'Procedure',
    empty: 'No procedures recorded',
    dateOf: (procedure) => procedure.performedDateTime ?? procedure.performedPeriod?.start,
    columns: [
      { header: 'Procedure', cell: (procedure) => or(codeText(procedure.code)) },
      { header: 'Status', cell: (procedure) => <Status value={procedure.status} /> },
      {
        header: 'Performed',
        cell: (procedure) =>
          or(
            whenText({
              ...(procedure.performedDateTime ? { dateTime: procedure.performedDateTime } : {}),
              ...(procedure.performedPeriod ? { period: procedure.performedPeriod } : {}),
              ...(procedure.performedString ? { string: procedure.performedString } : {}),
            }),
          ),
      },
      { header: 'Reason', cell: (procedure) => or(codesText(procedure.reasonCode)) },
    ],
  }),
  section<Observation>({
    tab: 'observations',
    label: 'Observations',
    resourceType: 'Observation',
    empty: 'No observations recorded',
    dateOf: (observation) => observation.effectiveDateTime ?? observation.effectivePeriod?.start ?? observation.issued,
    columns: [
      { header: 'Observation', cell: (observation) => or(codeText(observation.code)) },
      { header: 'Value', cell: (observation) => or(observationValue(observation)) },
      {
        header: 'Interpretation',
        cell: (observation) => {
          const text = codesText(observation.interpretation);
          return text ? <Status value={text} /> : '—';
        },
      },
      {
        header: 'When',
        cell: (observation) =>
          or(
            formatFhirDateTime(observation.effectiveDateTime ?? observation.effectiveInstant) ||
              periodText(observation.effectivePeriod),
          ),
      },
      { header: 'Status', cell: (observation) => <Status value={observation.status} /> },
    ],
  }),
];
