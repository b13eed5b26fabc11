import type { Bundle, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, FHIR, fhirClient, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;

const people: [string, string | undefined][] = [
  ['Adams', '1980-01-01'],
  ['Adams', '1990-01-01'],
  ['Adams', undefined],
  ['Baker', '1970-05-05'],
  ['Clark', '2000-02-02'],
  ['Clark', '1960-12-12'],
  ['Davis', '1985-07-07'],
];

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  for (const [family, birthDate] of people) {
    await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ family }],
      ...(birthDate ? { birthDate } : {}),
      active: true,
    });
  }
  for (let i = 0; i < 23; i++) await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: `Page${i}` }] });
});
afterAll(async () => app?.close());

/** The path of a link as fhirClient wants it. */
function pathOf(url: string): string {
  return url.slice(url.indexOf(FHIR) + FHIR.length + 1);
}

async function walk(first: string): Promise<{ pages: Bundle<Patient>[]; ids: string[] }> {
  const pages: Bundle<Patient>[] = [];
  let path: string | undefined = first;
  while (path) {
    const res = await fhir.get(path);
    expect(res.statusCode, res.body).toBe(200);
    const bundle = res.json() as Bundle<Patient>;
    pages.push(bundle);
    const next = bundle.link?.find((link) => link.relation === 'next')?.url;
    path = next ? pathOf(next) : undefined;
    expect(pages.length).toBeLessThan(50);
  }
  return { pages, ids: pages.flatMap((page) => (page.entry ?? []).map((entry) => entry.resource!.id!)) };
}

describe('paging', () => {
  it('walks every page through next links with nothing missing or repeated', async () => {
    const { pages, ids } = await walk('Patient?name=page&_count=5');
    expect(ids).toEqual([...ids].sort());
    expect(pages).toHaveLength(5);
    expect(ids).toHaveLength(23);
    expect(new Set(ids).size).toBe(23);
    expect(pages[0]!.total).toBe(23);
    const next = pages[0]!.link!.find((link) => link.relation === 'next')!.url!;
    expect(next).toContain('_cursor=');
    expect(next).not.toMatch(/_offset|_page/);
    expect(pages[1]!.link!.map((link) => link.relation)).toEqual(['self', 'first', 'previous', 'next']);
    expect(pages[4]!.link!.find((link) => link.relation === 'next')).toBeUndefined();
  });

  it('keeps going correctly when resources are added and removed between pages', async () => {
    const before = await walk('Patient?name=page&_count=100');
    const firstPage = (await fhir.get('Patient?name=page&_count=6')).json() as Bundle<Patient>;
    const seen = (firstPage.entry ?? []).map((entry) => entry.resource!.id!);
    for (let i = 0; i < 5; i++)
      await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: `PageNew${i}` }] });
    const removed = before.ids.find((id) => !seen.includes(id))!;
    await fhir.delete(`Patient/${removed}`);
    const rest = await walk(pathOf(firstPage.link!.find((link) => link.relation === 'next')!.url!));
    const all = [...seen, ...rest.ids];
    expect(new Set(all).size).toBe(all.length);
    expect(all).not.toContain(removed);
    for (const id of before.ids.filter((id) => id !== removed)) expect(all).toContain(id);
  });

  it('sorts on several keys, with descending keys and values missing last', async () => {
    const res = await fhir.get('Patient?active=true&_sort=family,-birthdate');
    const order = ((res.json() as Bundle<Patient>).entry ?? []).map(
      (entry) => `${entry.resource!.name![0]!.family} ${entry.resource!.birthDate ?? '-'}`,
    );
    expect(order).toEqual([
      'Adams 1990-01-01',
      'Adams 1980-01-01',
      'Adams -',
      'Baker 1970-05-05',
      'Clark 2000-02-02',
      'Clark 1960-12-12',
      'Davis 1985-07-07',
    ]);
  });

  it('pages through a sorted search without losing or repeating rows', async () => {
    const { ids, pages } = await walk('Patient?active=true&_sort=-family,birthdate&_count=2');
    expect(pages).toHaveLength(4);
    const families = pages.flatMap((page) => (page.entry ?? []).map((entry) => entry.resource!.name![0]!.family));
    expect(families).toEqual(['Davis', 'Clark', 'Clark', 'Baker', 'Adams', 'Adams', 'Adams']);
    expect(new Set(ids).size).toBe(7);
  });

  it('walks back through previous links to the first page', async () => {
    for (const query of ['Patient?active=true&_sort=family,-birthdate&_count=2', 'Patient?name=page&_count=4']) {
      const forward = await walk(query);
      const pages = [forward.pages.at(-1)!];
      for (;;) {
        const previous = pages[0]!.link?.find((link) => link.relation === 'previous')?.url;
        if (!previous) break;
        const res = await fhir.get(pathOf(previous));
        pages.unshift(res.json() as Bundle<Patient>);
        expect(pages.length).toBeLessThan(50);
      }
      const backIds = pages.flatMap((page) => (page.entry ?? []).map((entry) => entry.resource!.id!));
      expect(backIds, query).toEqual(forward.ids);
      expect(pages.length).toBe(forward.pages.length);
      expect(forward.pages[0]!.link!.find((link) => link.relation === 'previous')).toBeUndefined();
    }
  });

  it('sorts by _lastUpdated and _id', async () => {
    const byUpdated = (await fhir.get('Patient?active=true&_sort=-_lastUpdated')).json() as Bundle<Patient>;
    const times = (byUpdated.entry ?? []).map((entry) => entry.resource!.meta!.lastUpdated!);
    expect(times).toEqual([...times].sort().reverse());
    const { ids } = await walk('Patient?active=true&_sort=_id&_count=3');
    expect(ids).toEqual([...ids].sort());
    expect(ids).toHaveLength(7);
    const descending = await walk('Patient?active=true&_sort=-_id&_count=3');
    expect(descending.ids).toEqual([...ids].reverse());
    const newest = await walk('Patient?active=true&_sort=-_lastUpdated&_count=2');
    expect(newest.ids).toHaveLength(7);
    expect(new Set(newest.ids)).toEqual(new Set(ids));
  });

  it('_total: accurate, estimate and none; _summary=count', async () => {
    const accurate = (await fhir.get('Patient?active=true&_count=1&_total=accurate')).json() as Bundle;
    expect(accurate.total).toBe(7);
    const none = (await fhir.get('Patient?active=true&_count=1&_total=none')).json() as Bundle;
    expect(none.total).toBeUndefined();
    const estimate = (await fhir.get('Patient?active=true&_count=1&_total=estimate')).json() as Bundle;
    expect(typeof estimate.total).toBe('number');
    const count = (await fhir.get('Patient?active=true&_summary=count')).json() as Bundle;
    expect(count.total).toBe(7);
    expect(count.entry).toBeUndefined();
  });

  it('_count=0 answers only the total', async () => {
    const res = (await fhir.get('Patient?active=true&_count=0')).json() as Bundle;
    expect(res.entry).toBeUndefined();
    expect(res.total).toBe(7);
  });
});
