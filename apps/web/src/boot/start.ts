import { chartAddress, chartFirstScreenPaths, EarlyRequests, opensStaffScreens } from './early-requests';

/*
 * Run by the page's entry (main.tsx) before React, Mantine and the app are evaluated: asks who is signed
 * in at once and, on a chart's address, starts the chart's code and, once /auth/me says a member of staff
 * is signed in, the chart's first reads. The app's HttpClient is given `earlyRequests.fetch`, which answers
 * its first request for each of these paths from them. One instance for the page, made here on purpose.
 */
export const earlyRequests = new EarlyRequests((input, init) => fetch(input, init));

const session = earlyRequests.start('/auth/me', { keepRefusals: true });
const chart = chartAddress(window.location.pathname, window.location.search);

if (chart) {
  // The route's chunk, so it is there when the router renders (same module as routes.tsx loads lazily).
  void import('../chart/PatientChartPage').catch(() => undefined);
  // Patient data only for a signed-in member of staff: a signed-out visitor's reads would be refused and
  // each refusal recorded in the audit trail.
  session
    .then((response) => (response.ok ? response.clone().json() : undefined))
    .then((principal) => {
      if (!principal || !opensStaffScreens(principal)) return;
      for (const path of chartFirstScreenPaths(chart.patientId, chart.tab)) {
        earlyRequests.start(path, { accept: 'application/fhir+json' });
      }
    })
    .catch(() => undefined);
}
