import type { SearchQuery } from './search-query';

/**
 * The patient a search is limited to, when it names exactly one by the `patient` parameter
 * (`patient=Patient/123` or `patient=123`, no modifier): the date index then has a path by patient.
 */
export function compartmentPatient(query: SearchQuery): string | undefined {
  for (const condition of query.conditions) {
    if (condition.kind !== 'match' || condition.param.code !== 'patient' || condition.modifier) continue;
    if (condition.param.type !== 'reference' || condition.values.length !== 1) continue;
    const value = condition.values[0]!;
    if (value.type !== 'reference' || value.url || !value.id) continue;
    if (value.targetType && value.targetType !== 'Patient') continue;
    return value.id;
  }
  return undefined;
}
