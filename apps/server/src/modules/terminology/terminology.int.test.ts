import type { OperationOutcome, Parameters, ValueSet } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, signIn, type TestApp } from '../../../test/test-app';
import { seedTerminology, shippedReleases } from './terminology.seed';

const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const LOINC = 'http://loinc.org';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;

function parameter(parameters: Parameters, name: string) {
  return parameters.parameter?.find((entry) => entry.name === name);
}

function properties(parameters: Parameters): [string, unknown][] {
  return (parameters.parameter ?? [])
    .filter((entry) => entry.name === 'property')
    .map((entry) => {
      const code = entry.part?.find((part) => part.name === 'code')?.valueCode ?? '';
      const value = entry.part?.find((part) => part.name === 'value');
      return [code, value?.valueCode ?? value?.valueBoolean ?? value?.valueString];
    });
}

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
});
afterAll(async () => app?.close());

describe('shipped code systems', () => {
  it('are loaded at boot, and booting again changes nothing', async () => {
    const systems = await app.app.inject({
      method: 'GET',
      url: '/admin/local/terminology/systems',
      headers: { authorization: `Bearer ${app.localAdminToken}` },
    });
    expect(systems.statusCode).toBe(200);
    const urls = (systems.json().systems as { url: string; source: string }[]).map((system) => system.url);
    expect(urls).toEqual(
      expect.arrayContaining([ICD, LOINC, 'http://hl7.org/fhir/sid/cvx', 'http://unitsofmeasure.org']),
    );
    const again = await seedTerminology(app.db);
    expect(again.loaded).toEqual([]);
    expect(again.kept).toHaveLength(shippedReleases().length);
  });

  it('replaces an older shipped release at boot, and keeps an imported one', async () => {
    await app.db.asOwner((db) =>
      db.query(`UPDATE terminology_code_system SET version = 'older' WHERE url = $1`, [LOINC]),
    );
    const report = await seedTerminology(app.db);
    expect(report.loaded.map((entry) => entry.url)).toEqual([LOINC]);

    const imported = await app.app.inject({
      method: 'POST',
      url: '/admin/local/terminology/import',
      headers: { authorization: `Bearer ${app.localAdminToken}` },
      payload: {
        system: 'http://example.org/fhir/CodeSystem/local-procedures',
        version: '7',
        concepts: [
          { code: 'P1', display: 'Ear irrigation' },
          { code: 'P1.1', display: 'Ear irrigation, left', parent: 'P1' },
          { code: 'P2', display: 'Dressing change', parent: 'missing' },
        ],
      },
    });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({ version: '7', concepts: 3 });
    const again = await seedTerminology(app.db);
    expect(again.loaded).toEqual([]);
    const custom = 'http://example.org/fhir/CodeSystem/local-procedures';
    const lookup = (await fhir.get(`CodeSystem/$lookup?system=${encodeURIComponent(custom)}&code=P1`)).json();
    expect(properties(lookup)).toContainEqual(['child', 'P1.1']);
    const expanded = (
      await fhir.get(`ValueSet/$expand?url=${encodeURIComponent(`${custom}?fhir_vs`)}&filter=ear`)
    ).json() as ValueSet;
    expect(expanded.expansion!.contains!.map((concept) => concept.code)).toEqual(['P1', 'P1.1']);

    const bad = await app.app.inject({
      method: 'POST',
      url: '/admin/local/terminology/import',
      headers: { authorization: `Bearer ${app.localAdminToken}` },
      payload: { system: custom, version: '8', concepts: [{ code: '', display: 'x' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'TERMINOLOGY_INVALID_REQUEST', path: 'concepts.0.code' });
  });

  it('every vital sign Meridian records is a shipped LOINC code', async () => {
    const { VITAL_SIGNS } = await import('../vitals');
    const loinc = shippedReleases().find((release) => release.url === LOINC)!;
    const codes = new Set(loinc.concepts.map((concept) => concept.code));
    for (const vital of VITAL_SIGNS) {
      expect(codes.has(vital.code), vital.code).toBe(true);
      for (const component of Object.values(vital.components ?? {})) expect(codes.has(component.code)).toBe(true);
    }
  });
});

describe('CodeSystem/$lookup', () => {
  it('answers name, version, display and the hierarchy', async () => {
    const res = await fhir.get(`CodeSystem/$lookup?system=${encodeURIComponent(ICD)}&code=E11.9`);
    expect(res.statusCode).toBe(200);
    const answer = res.json() as Parameters;
    expect(parameter(answer, 'name')?.valueString).toBe('ICD10CM');
    expect(parameter(answer, 'display')?.valueString).toBe('Type 2 diabetes mellitus without complications');
    expect(parameter(answer, 'version')?.valueString).toMatch(/2025/);
    expect(properties(answer)).toContainEqual(['parent', 'E11']);
    expect(properties(answer)).toContainEqual(['notSelectable', false]);

    const category = (await fhir.get(`CodeSystem/$lookup?system=icd-10-cm&code=E11`)).json() as Parameters;
    expect(properties(category)).toContainEqual(['child', 'E11.9']);
    expect(properties(category)).toContainEqual(['notSelectable', true]);
  });

  it('takes a Parameters body with a coding', async () => {
    const res = await fhir.post('CodeSystem/$lookup', {
      resourceType: 'Parameters',
      parameter: [{ name: 'coding', valueCoding: { system: LOINC, code: '718-7' } }],
    });
    expect(res.statusCode).toBe(200);
    expect(parameter(res.json(), 'display')?.valueString).toBe('Hemoglobin [Mass/volume] in Blood');
  });

  it('looks up any valid UCUM unit, listed or not', async () => {
    const res = await fhir.get(
      `CodeSystem/$lookup?system=http://unitsofmeasure.org&code=${encodeURIComponent('mg/dL')}`,
    );
    expect(parameter(res.json(), 'display')?.valueString).toBe('milligram per deciliter');
    const unlisted = await fhir.get(`CodeSystem/$lookup?system=ucum&code=${encodeURIComponent('kg/(m.s2)')}`);
    expect(unlisted.statusCode).toBe(200);
  });

  it('names the offending parameter when the request cannot be answered', async () => {
    const noCode = await fhir.get(`CodeSystem/$lookup?system=${encodeURIComponent(ICD)}`);
    expect(noCode.statusCode).toBe(400);
    expect((noCode.json() as OperationOutcome).issue[0]!.expression).toEqual(['code']);

    const unknownSystem = await fhir.get('CodeSystem/$lookup?system=http://example.org/nothing&code=1');
    expect(unknownSystem.statusCode).toBe(404);
    expect((unknownSystem.json() as OperationOutcome).issue[0]!.expression).toEqual(['system']);

    const unknownCode = await fhir.get(`CodeSystem/$lookup?system=${encodeURIComponent(ICD)}&code=XYZ.1`);
    expect(unknownCode.statusCode).toBe(404);
    expect((unknownCode.json() as OperationOutcome).issue[0]!.expression).toEqual(['code']);

    const wrongVersion = await fhir.get(`CodeSystem/$lookup?system=${encodeURIComponent(ICD)}&code=I10&version=1999`);
    expect(wrongVersion.statusCode).toBe(404);
    expect((wrongVersion.json() as OperationOutcome).issue[0]!.expression).toEqual(['version']);
  });
});

describe('$validate-code', () => {
  it('CodeSystem: true with the display, false with a message, display checked', async () => {
    const good = (await fhir.get(`CodeSystem/$validate-code?url=${encodeURIComponent(ICD)}&code=I10`)).json();
    expect(parameter(good, 'result')?.valueBoolean).toBe(true);
    expect(parameter(good, 'display')?.valueString).toBe('Essential (primary) hypertension');

    const unknown = (await fhir.get(`CodeSystem/$validate-code?url=${encodeURIComponent(ICD)}&code=Q99.99`)).json();
    expect(parameter(unknown, 'result')?.valueBoolean).toBe(false);
    expect(parameter(unknown, 'message')?.valueString).toMatch(/Unknown code 'Q99.99'.*import the full ICD-10-CM/);

    const wrongDisplay = (
      await fhir.get(`CodeSystem/$validate-code?url=${encodeURIComponent(ICD)}&code=I10&display=Diabetes`)
    ).json();
    expect(parameter(wrongDisplay, 'result')?.valueBoolean).toBe(false);
    expect(parameter(wrongDisplay, 'message')?.valueString).toMatch(/Essential \(primary\) hypertension/);

    const ucum = (await fhir.get(`CodeSystem/$validate-code?url=http://unitsofmeasure.org&code=furlongs`)).json();
    expect(parameter(ucum, 'result')?.valueBoolean).toBe(false);
  });

  it('ValueSet: membership, with a codeableConcept whose any coding may match', async () => {
    const diagnoses = 'https://meridian.health/fhir/ValueSet/diagnoses';
    const billable = (
      await fhir.get(
        `ValueSet/$validate-code?url=${encodeURIComponent(diagnoses)}&system=${encodeURIComponent(ICD)}&code=E11.9`,
      )
    ).json();
    expect(parameter(billable, 'result')?.valueBoolean).toBe(true);
    const category = (
      await fhir.get(
        `ValueSet/$validate-code?url=${encodeURIComponent(diagnoses)}&system=${encodeURIComponent(ICD)}&code=E11`,
      )
    ).json();
    expect(parameter(category, 'result')?.valueBoolean).toBe(false);

    const res = await fhir.post('ValueSet/$validate-code', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'url', valueUri: 'https://meridian.health/fhir/ValueSet/vital-signs' },
        {
          name: 'codeableConcept',
          valueCodeableConcept: {
            coding: [
              { system: 'http://example.org/local', code: 'HR' },
              { system: LOINC, code: '8867-4' },
            ],
          },
        },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(parameter(res.json(), 'result')?.valueBoolean).toBe(true);

    const noUrl = await fhir.get(`ValueSet/$validate-code?system=${encodeURIComponent(ICD)}&code=I10`);
    expect(noUrl.statusCode).toBe(400);
    expect((noUrl.json() as OperationOutcome).issue[0]!.expression).toEqual(['url']);
    const unknownVs = await fhir.get('ValueSet/$validate-code?url=http://example.org/vs&code=I10');
    expect(unknownVs.statusCode).toBe(404);
  });
});

describe('ValueSet/$expand', () => {
  const all = encodeURIComponent(`${ICD}?fhir_vs`);

  it('expands an implicit value set with a type-ahead filter on words and code prefixes', async () => {
    const words = (await fhir.get(`ValueSet/$expand?url=${all}&filter=diab%20mell&count=50`)).json() as ValueSet;
    const codes = words.expansion!.contains!.map((concept) => concept.code);
    expect(codes).toEqual(expect.arrayContaining(['E11.9', 'E10.9', 'E11']));
    expect(codes).not.toContain('I10');
    expect(words.expansion!.total).toBe(codes.length);
    // The more general (shorter) display comes before the more specific.
    expect(codes.indexOf('E11')).toBeLessThan(codes.indexOf('E11.649'));

    const prefix = (await fhir.get(`ValueSet/$expand?url=${all}&filter=e11.6`)).json() as ValueSet;
    expect(prefix.expansion!.contains![0]!.code).toBe('E11.6');
    expect(prefix.expansion!.contains!.map((concept) => concept.code)).toEqual(
      expect.arrayContaining(['E11.64', 'E11.649', 'E11.65']),
    );

    const isA = (await fhir.get(`ValueSet/$expand?url=${encodeURIComponent(`${ICD}?fhir_vs=isa/E11.6`)}`)).json();
    expect((isA as ValueSet).expansion!.contains!.map((concept) => concept.code).sort()).toEqual([
      'E11.6',
      'E11.64',
      'E11.649',
      'E11.65',
    ]);
  });

  it('pages with count and offset, with the total of every match', async () => {
    const first = (await fhir.get(`ValueSet/$expand?url=${all}&count=10&offset=0`)).json() as ValueSet;
    const second = (await fhir.get(`ValueSet/$expand?url=${all}&count=10&offset=10`)).json() as ValueSet;
    expect(first.expansion!.contains).toHaveLength(10);
    expect(first.expansion!.total).toBe(second.expansion!.total);
    expect(first.expansion!.total).toBeGreaterThan(100);
    expect(second.expansion!.offset).toBe(10);
    const firstCodes = first.expansion!.contains!.map((concept) => concept.code);
    for (const concept of second.expansion!.contains!) expect(firstCodes).not.toContain(concept.code);

    // A filtered page smaller than its matches still counts them all.
    const every = (await fhir.get(`ValueSet/$expand?url=${all}&filter=type%202&count=100`)).json() as ValueSet;
    const page = (await fhir.get(`ValueSet/$expand?url=${all}&filter=type%202&count=2&offset=1`)).json() as ValueSet;
    expect(every.expansion!.total).toBeGreaterThan(3);
    expect(page.expansion!.total).toBe(every.expansion!.total);
    expect(page.expansion!.contains!.map((concept) => concept.code)).toEqual(
      every.expansion!.contains!.slice(1, 3).map((concept) => concept.code),
    );
  });

  it("expands Meridian's value sets and a posted compose", async () => {
    const panels = (
      await fhir.get(`ValueSet/$expand?url=${encodeURIComponent('https://meridian.health/fhir/ValueSet/lab-panels')}`)
    ).json() as ValueSet;
    expect(panels.expansion!.contains!.map((concept) => concept.code)).toEqual(
      expect.arrayContaining(['58410-2', '51990-0', '24323-8', '57698-3', '24356-8']),
    );
    const posted = await fhir.post('ValueSet/$expand', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'filter', valueString: 'hemo' },
        {
          name: 'valueSet',
          resource: {
            resourceType: 'ValueSet',
            status: 'active',
            compose: {
              include: [{ system: LOINC, concept: [{ code: '718-7' }, { code: '4548-4' }, { code: '2345-7' }] }],
            },
          },
        },
      ],
    });
    expect(posted.statusCode).toBe(200);
    expect((posted.json() as ValueSet).expansion!.contains!.map((concept) => concept.code).sort()).toEqual([
      '4548-4',
      '718-7',
    ]);
  });

  it('refuses bad parameters with an OperationOutcome naming them', async () => {
    for (const [query, expression, status] of [
      [`url=${all}&count=-1`, 'count', 400],
      [`url=${all}&count=5000`, 'count', 400],
      [`url=${all}&offset=abc`, 'offset', 400],
      ['filter=abc', 'url', 400],
      [`url=${encodeURIComponent('http://example.org/unknown')}`, 'url', 404],
    ] as const) {
      const res = await fhir.get(`ValueSet/$expand?${query}`);
      expect(res.statusCode, query).toBe(status);
      const outcome = res.json() as OperationOutcome;
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0]!.expression, query).toEqual([expression]);
    }
  });

  it('is listed in the CapabilityStatement', async () => {
    const metadata = (await fhir.get('metadata')).json();
    const valueSet = metadata.rest[0].resource.find((resource: { type: string }) => resource.type === 'ValueSet');
    expect(valueSet.operation.map((operation: { name: string }) => operation.name)).toEqual(
      expect.arrayContaining(['expand', 'validate-code']),
    );
  });
});

describe('GET /terminology/search', () => {
  it('answers signed-in members, refuses anonymous callers and unknown systems', async () => {
    const secured = await createTestApp({ authRequired: true });
    try {
      const anonymous = await secured.app.inject({ method: 'GET', url: '/terminology/search?system=loinc&q=glu' });
      expect(anonymous.statusCode).toBe(401);
      const clerk = await signIn(secured, { role: 'front_desk' });
      const res = await clerk.request('GET', '/terminology/search?system=loinc&q=glucose%20serum&limit=5');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.system).toBe(LOINC);
      expect(body.results.map((result: { code: string }) => result.code)).toContain('2345-7');
      expect(body.results.length).toBeLessThanOrEqual(5);
      const unknown = await clerk.request('GET', '/terminology/search?system=snomed&q=x');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('TERMINOLOGY_UNKNOWN_SYSTEM');
      const bad = await clerk.request('GET', '/terminology/search?system=loinc&limit=1000');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().path).toBe('limit');
    } finally {
      await secured.close();
    }
  });
});
