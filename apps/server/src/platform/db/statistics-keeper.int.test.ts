import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, type TestApp } from '../../../test/test-app';
import { StatisticsKeeper } from './statistics-keeper';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function estimatedRows(table: string): Promise<number> {
  const result = await app.db.asOwner((db) =>
    db.query<{ reltuples: number | string }>('SELECT reltuples FROM pg_class WHERE relname = $1', [table]),
  );
  return Number(result.rows[0]!.reltuples);
}

describe('StatisticsKeeper', () => {
  it('runs ANALYZE once enough writes have happened, so the planner knows the tables are not empty', async () => {
    const fhir = fhirClient(app);
    for (let i = 0; i < 30; i++) await fhir.create({ resourceType: 'Patient', name: [{ family: `Stat${i}` }] });
    const keeper = new StatisticsKeeper({ db: app.db, tables: ['fhir_resource', 'fhir_sp_string'], threshold: 25 });
    keeper.noteWrites(10);
    await keeper.runIfDue();
    expect(await estimatedRows('fhir_resource')).toBeLessThan(30);
    keeper.noteWrites(20);
    await keeper.runIfDue();
    expect(await estimatedRows('fhir_resource')).toBeGreaterThanOrEqual(30);
    expect(await estimatedRows('fhir_sp_string')).toBeGreaterThanOrEqual(30);
  });

  it('refuses table names that are not plain identifiers', () => {
    expect(() => new StatisticsKeeper({ db: app.db, tables: ['fhir_resource; DROP TABLE x'] })).toThrow();
  });
});
