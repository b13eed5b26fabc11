import type { ResourceType } from '@medplum/fhirtypes';

// Also read by the page's start-up code (src/boot), before React and the chart's own code are loaded:
// keep this file free of imports that carry code.

export const CHART_PAGE_SIZE = 100;

/** The banner's lists, asked for with the patient on the chart's first screen. */
export const CHART_BANNER_LISTS = ['AllergyIntolerance', 'Flag'] as const satisfies readonly ResourceType[];

/** The search parameters of one chart list: every record whose `patient` is this patient, one page. */
export function chartSearchParams(patientId: string): [string, string][] {
  return [
    ['patient', `Patient/${patientId}`],
    ['_count', String(CHART_PAGE_SIZE)],
  ];
}
