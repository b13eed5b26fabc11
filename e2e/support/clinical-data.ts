import type {
  AllergyIntolerance,
  Condition,
  Encounter,
  MedicationRequest,
  Observation,
  Patient,
} from '@medplum/fhirtypes';
import { fhirAs } from './api';

const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';

/** A patient with a little history: a condition, an allergy, a medication, two lab results, a visit. */
export async function seedPatientWithHistory(baseUrl: string, token: string) {
  const fhir = fhirAs(baseUrl, token);
  const mrn = String(Math.floor(1_000_000 + Math.random() * 8_999_999));
  const patient = await fhir.create<Patient>({
    resourceType: 'Patient',
    name: [{ use: 'official', family: 'Ravensworth', given: ['Theodora', 'Jane'] }],
    gender: 'female',
    birthDate: '1957-04-03',
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }], text: 'MRN' },
        system: 'https://meridian.health/fhir/identifier/mrn',
        value: mrn,
      },
    ],
    telecom: [{ system: 'phone', value: '+44 20 7946 0958' }],
  });
  const subject = { reference: `Patient/${patient.id}` };
  const encounter = await fhir.create<Encounter>({
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'Ambulatory' },
    type: [{ text: 'Diabetes review' }],
    subject,
    period: { start: '2024-03-12T09:30:00Z', end: '2024-03-12T09:50:00Z' },
  });
  await fhir.create<Condition>({
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    code: { coding: [{ system: SNOMED, code: '44054006', display: 'Type 2 diabetes mellitus' }] },
    subject,
    onsetDateTime: '2015-06-01',
    recordedDate: '2015-06-03',
  });
  await fhir.create<AllergyIntolerance>({
    resourceType: 'AllergyIntolerance',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
    },
    criticality: 'high',
    code: { coding: [{ system: SNOMED, code: '764146007', display: 'Penicillin' }] },
    patient: subject,
    recordedDate: '2010-02-14',
    reaction: [{ manifestation: [{ coding: [{ system: SNOMED, code: '247472004', display: 'Hives' }] }] }],
  });
  await fhir.create<MedicationRequest>({
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { text: 'Metformin 500 mg tablet' },
    subject,
    authoredOn: '2024-03-12',
    dosageInstruction: [{ text: 'One tablet twice a day with meals' }],
  });
  for (const [value, date] of [
    [8.1, '2023-09-20T08:00:00Z'],
    [7.2, '2024-03-12T08:00:00Z'],
  ] as const) {
    await fhir.create<Observation>({
      resourceType: 'Observation',
      status: 'final',
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
      ],
      code: { coding: [{ system: LOINC, code: '4548-4', display: 'Hemoglobin A1c' }] },
      subject,
      encounter: { reference: `Encounter/${encounter.id}` },
      effectiveDateTime: date,
      valueQuantity: { value, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      ...(value > 8
        ? {
            interpretation: [
              {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
                    code: 'H',
                    display: 'High',
                  },
                ],
              },
            ],
          }
        : {}),
    });
  }
  return { patientId: patient.id!, mrn };
}
