import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, FHIR, fhirClient, type TestApp } from '../../../test/test-app';

/**
 * `patient=X&_sort=-date` reads one patient's resources from the date index by patient, newest first
 * (search-sql `patientPageSql`). Whatever path answers, the pages must be those of the plain query.
 */
let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
let ada: string;
let ben: string;
/** Ada's vital-sign observations, as [id, effective instant | undefined]. */
const vitals: [string, string | undefined][] = [];

function observation(patient: string, day: number | undefined, category: string): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${patient}` },
    ...(day === undefined
      ? {}
      : { effectiveDateTime: new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString() }),
    valueQuantity: { value: 70, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  ada = (await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Datewise' }] })).id!;
  ben = (await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Otherwise' }] })).id!;
  // Dates out of order and repeated, two undated, and some of another category in between.
  const days = [5, 40, 12, 40, 300, 7, 150, undefined, 90, 1, 220, 64, undefined, 33, 180, 2, 260, 75, 12, 400];
  for (const [i, day] of days.entries()) {
    const created = await fhir.create<Observation>(observation(ada, day, 'vital-signs'));
    vitals.push([created.id!, created.effectiveDateTime]);
    if (i % 4 === 0) await fhir.create<Observation>(observation(ada, (day ?? 0) + 1, 'laboratory'));
    if (i % 3 === 0) await fhir.create<Observation>(observation(ben, day, 'vital-signs'));
  }
});
afterAll(async () => app?.close());

/** Ada's vitals in the order the search defines: newest first, undated last, ties by id descending. */
function expectedOrder(): string[] {
  return [...vitals]
    .sort(([idA, a], [idB, b]) => {
      if (a !== b) {
        if (a === undefined) return 1;
        if (b === undefined) return -1;
        return a < b ? 1 : -1;
      }
      return idA < idB ? 1 : -1;
    })
    .map(([id]) => id);
}

async function pages(first: string): Promise<string[]> {
  const ids: string[] = [];
  let path: string | undefined = first;
  for (let n = 0; path && n < 30; n++) {
    const res = await fhir.get(path);
    expect(res.statusCode, res.body).toBe(200);
    const bundle = res.json() as Bundle<Observation>;
    ids.push(...(bundle.entry ?? []).map((entry) => entry.resource!.id!));
    const next = bundle.link?.find((link) => link.relation === 'next')?.url;
    path = next ? next.slice(next.indexOf(FHIR) + FHIR.length + 1) : undefined;
  }
  return ids;
}

describe("one patient's resources by date, newest first", () => {
  it('gives the first page in sort order, with the other conditions applied', async () => {
    const res = await fhir.get(`Observation?patient=Patient/${ada}&category=vital-signs&_sort=-date&_count=4`);
    const bundle = res.json() as Bundle<Observation>;
    expect(bundle.entry?.map((entry) => entry.resource!.id)).toEqual(expectedOrder().slice(0, 4));
    expect(bundle.link?.some((link) => link.relation === 'next')).toBe(true);
  });

  it('pages through everything, undated resources last, nothing repeated or missing', async () => {
    for (const count of [3, 7, 19, 20, 50]) {
      const ids = await pages(`Observation?patient=${ada}&category=vital-signs&_sort=-date&_count=${count}`);
      expect(ids, `pages of ${count}`).toEqual(expectedOrder());
    }
  });

  it('never mixes in another patient or another category', async () => {
    const ids = await pages(`Observation?patient=${ben}&_sort=-date&_count=2`);
    expect(ids.length).toBe(7);
    expect(ids.some((id) => vitals.some(([vital]) => vital === id))).toBe(false);
  });

  it('filters a patient by date through the same index', async () => {
    const res = await fhir.get(`Observation?patient=${ada}&category=vital-signs&date=ge2020-07-01&_count=100`);
    const found = ((res.json() as Bundle<Observation>).entry ?? []).map((entry) => entry.resource!.id!).sort();
    const expected = vitals.filter(([, at]) => at !== undefined && at >= '2020-07-01').map(([id]) => id);
    expect(found).toEqual(expected.sort());
  });

  it('keeps the order after a resource moves to another date', async () => {
    const [id] = vitals[9]!;
    const current = (await fhir.get(`Observation/${id}`)).json() as Observation;
    const moved = { ...current, effectiveDateTime: '2024-06-01T00:00:00.000Z' };
    expect((await fhir.put(`Observation/${id}`, moved)).statusCode).toBe(200);
    vitals[9] = [id, '2024-06-01T00:00:00.000Z'];
    const res = await fhir.get(`Observation?patient=${ada}&category=vital-signs&_sort=-date&_count=3`);
    expect((res.json() as Bundle<Observation>).entry?.map((entry) => entry.resource!.id)).toEqual(
      expectedOrder().slice(0, 3),
    );
  });
});
