import { describe, expect, it } from 'vitest';
import { EMPTY_PATIENT_FORM, fieldForExpression, missingFields, placeIssues, toPatient } from './patient-form';

const filled = {
  ...EMPTY_PATIENT_FORM,
  family: ' Doe ',
  given: 'Jane  Marie',
  birthDate: '1980-03-12',
  gender: 'female' as const,
  email: 'jane@example.org',
};

describe('toPatient', () => {
  it('writes trimmed values and leaves empty fields out', () => {
    const patient = toPatient(filled);
    expect(patient.name).toEqual([{ use: 'official', family: 'Doe', given: ['Jane', 'Marie'] }]);
    expect(patient.telecom).toEqual([{ system: 'email', value: 'jane@example.org' }]);
    expect(patient).not.toHaveProperty('address');
    expect(patient).not.toHaveProperty('identifier');
  });
  it('types the MRN so it can be told from other identifiers', () => {
    const patient = toPatient({ ...filled, mrn: 'MRN-1' });
    expect(patient.identifier?.[0]?.type?.coding?.[0]?.code).toBe('MR');
    expect(patient.identifier?.[0]?.value).toBe('MRN-1');
  });
});

describe('missingFields', () => {
  it('names each required field left blank', () => {
    expect(Object.keys(missingFields(EMPTY_PATIENT_FORM)).sort()).toEqual(['birthDate', 'family', 'gender', 'given']);
    expect(missingFields(filled)).toEqual({});
  });
});

describe('fieldForExpression', () => {
  it('maps FHIRPath expressions to the fields that produced them', () => {
    const sent = toPatient({ ...filled, phone: '555 0100' });
    expect(fieldForExpression('Patient.birthDate', sent)).toBe('birthDate');
    expect(fieldForExpression('Patient.name[0].given[1]', sent)).toBe('given');
    expect(fieldForExpression('Patient.name[0].family', sent)).toBe('family');
    expect(fieldForExpression('Patient.telecom[0].value', sent)).toBe('phone');
    expect(fieldForExpression('Patient.telecom[1].value', sent)).toBe('email');
    expect(fieldForExpression('Patient.address[0].postalCode', sent)).toBe('postalCode');
    expect(fieldForExpression('Patient.contact[0]', sent)).toBeUndefined();
  });
});

describe('placeIssues', () => {
  it('puts errors on fields, keeps unplaceable ones general and ignores warnings', () => {
    const sent = toPatient(filled);
    const placed = placeIssues(
      [
        { severity: 'error', code: 'structure', message: 'Invalid date format', expression: 'Patient.birthDate' },
        { severity: 'warning', code: 'informational', message: 'Odd', expression: 'Patient.gender' },
        { severity: 'error', code: 'invariant', message: 'Constraint failed' },
      ],
      sent,
    );
    expect(placed.fields).toEqual({ birthDate: 'Invalid date format' });
    expect(placed.general.map((issue) => issue.message)).toEqual(['Constraint failed']);
  });
});
