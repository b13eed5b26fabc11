import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { blockingKeys, lookupKeys, matchFeatures, scoreMatch, transposedBirthDate } from './patient-matching';
import { DEFAULT_PATIENT_SETTINGS } from './patients.settings';

const thresholds = DEFAULT_PATIENT_SETTINGS.matching;

function patient(overrides: Partial<Patient> & { family?: string; given?: string } = {}): Patient {
  const { family = 'Smith', given = 'Martha', ...rest } = overrides;
  return {
    resourceType: 'Patient',
    name: [{ family, given: [given] }],
    birthDate: '1984-03-12',
    gender: 'female',
    telecom: [
      { system: 'phone', value: '+1 (555) 010-2030' },
      { system: 'email', value: 'Martha.Smith@example.org' },
    ],
    address: [{ line: ['12 Elm Street'], city: 'Springfield', postalCode: '01101' }],
    ...rest,
  };
}

const score = (a: Patient, b: Patient) => scoreMatch(matchFeatures(a), matchFeatures(b), thresholds);

describe('duplicate scoring', () => {
  it('grades the same person with the same details as certain', () => {
    const result = score(
      patient(),
      patient({
        telecom: [
          { system: 'phone', value: '555-010-2030' },
          { system: 'email', value: 'martha.smith@example.org' },
        ],
      }),
    );
    expect(result.grade).toBe('certain');
    expect(result.matched).toEqual(
      expect.arrayContaining(['name', 'birthDate', 'gender', 'phone', 'email', 'address']),
    );
  });

  it('tolerates a typo and a phonetic spelling of the name', () => {
    const typo = score(patient(), patient({ family: 'Smiht', given: 'Marta', telecom: [], address: [] }));
    const phonetic = score(patient(), patient({ family: 'Smyth', telecom: [], address: [] }));
    expect(typo.matched).toContain('name');
    expect(phonetic.matched).toContain('name');
    expect(typo.grade).toBe('possible');
    expect(phonetic.grade).toBe('possible');
  });

  it('credits a birth date with day and month swapped, or one digit off, less than an exact one', () => {
    const exact = score(patient(), patient({ telecom: [], address: [] })).score;
    const swapped = score(patient(), patient({ birthDate: '1984-12-03', telecom: [], address: [] }));
    const typo = score(patient(), patient({ birthDate: '1984-03-13', telecom: [], address: [] }));
    const other = score(patient(), patient({ birthDate: '1990-07-25', telecom: [], address: [] }));
    expect(swapped.matched).toContain('birthDate (day and month swapped)');
    expect(typo.matched).toContain('birthDate (one digit apart)');
    expect(exact).toBeGreaterThan(swapped.score);
    expect(swapped.score).toBeGreaterThan(typo.score);
    expect(other.grade).toBe('certainly-not');
  });

  it('does not match different people who share only an address', () => {
    const result = score(
      patient(),
      patient({ family: 'Jones', given: 'Peter', gender: 'male', birthDate: '1950-01-30', telecom: [] }),
    );
    expect(result.grade).toBe('certainly-not');
  });

  it('makes a shared identifier strong evidence', () => {
    const id = { system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-12-3456' };
    const result = score(
      patient({ identifier: [id], telecom: [], address: [] }),
      patient({ identifier: [id], family: 'Smithe', telecom: [], address: [] }),
    );
    expect(result.matched).toContain('identifier');
    expect(result.grade).toBe('certain');
  });
});

describe('blocking keys', () => {
  it('puts a phonetic variant and a swapped birth date in the same block', () => {
    const stored = new Set(blockingKeys(matchFeatures(patient({ family: 'Schmidt', birthDate: '1984-12-03' }))));
    const lookups = lookupKeys(matchFeatures(patient({ family: 'Smith', telecom: [], address: [] })));
    expect(lookups.some((key) => stored.has(key))).toBe(true);
  });

  it('swaps day and month only when the result is a date', () => {
    expect(transposedBirthDate('1984-03-12')).toBe('1984-12-03');
    expect(transposedBirthDate('1984-03-25')).toBeUndefined();
    expect(transposedBirthDate('1984-05-05')).toBeUndefined();
  });
});
