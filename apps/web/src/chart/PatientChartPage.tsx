import { Alert, Button, Paper, Stack, Tabs } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { isApiError } from '../api/api-error';
import { useFhir } from '../api/useApi';
import { CHART_TABS, type ChartTab, patientChartRoute } from '../app/routes';
import { formatPatientName } from '../patients/patient-display';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { useDocumentTitle } from '../shared/useDocumentTitle';
import { ClinicalTable } from './ClinicalTable';
import { CHART_BANNER_LISTS } from './chart-requests';
import { CHART_SECTIONS, type ChartSection } from './chart-sections';
import { useChartShortcuts } from './chart-shortcuts';
import { CLINICIAN_TABS } from './clinician-tabs';
import { PatientBanner } from './PatientBanner';
import { usePrefetchChartSearches } from './useChartSearch';

/** The chart's tabs in CHART_TABS order: a clinician workspace where there is one, else the read-only list. */
interface ChartTabEntry {
  tab: ChartTab;
  label: string;
  Panel?: (typeof CLINICIAN_TABS)[number]['Panel'];
  section?: ChartSection;
}

const TABS: ChartTabEntry[] = CHART_TABS.flatMap((tab): ChartTabEntry[] => {
  const workspace = CLINICIAN_TABS.find((entry) => entry.tab === tab);
  if (workspace) return [{ tab, label: workspace.label, Panel: workspace.Panel }];
  const section = CHART_SECTIONS.find((entry) => entry.tab === tab);
  return section ? [{ tab, label: section.label, section }] : [];
});

/** The patient chart: the banner, one tab per kind of clinical record, and the vitals and notes workspaces. */
export function PatientChartPage() {
  const { patientId } = patientChartRoute.useParams();
  const { tab = 'conditions' } = patientChartRoute.useSearch();
  const navigate = useNavigate();
  const fhir = useFhir();
  const patient = useQuery({
    queryKey: ['fhir', 'Patient', 'read', patientId],
    queryFn: ({ signal }) => fhir.read('Patient', patientId, signal),
  });
  // The banner's allergies and flags and the open tab's list need only the id: asked for with the patient.
  const openSection = TABS.find((entry) => entry.tab === tab)?.section;
  usePrefetchChartSearches([...CHART_BANNER_LISTS, ...(openSection ? [openSection.resourceType] : [])], patientId);
  useDocumentTitle(patient.data ? formatPatientName(patient.data) : 'Patient chart');
  useChartShortcuts(patientId, tab, TABS);

  if (patient.isPending) {
    return (
      <Stack>
        <TableSkeleton rows={2} label="Loading the patient" />
      </Stack>
    );
  }
  if (patient.isError) {
    const missing = isApiError(patient.error) && (patient.error.status === 404 || patient.error.status === 410);
    if (missing) {
      return (
        <Alert color="orange" variant="light" title="No such patient" role="alert">
          <Stack gap="sm" align="flex-start">
            {patient.error.message}
            <Button component={Link} to="/patients" size="xs">
              Search patients
            </Button>
          </Stack>
        </Alert>
      );
    }
    return <ErrorAlert title="The chart could not be opened" error={patient.error} onRetry={() => patient.refetch()} />;
  }

  return (
    <Stack gap="lg">
      <PatientBanner patient={patient.data} />
      <Paper withBorder radius="md">
        <Tabs
          value={tab}
          onChange={(next) =>
            next &&
            void navigate({
              to: '/patients/$patientId',
              params: { patientId },
              search: { tab: next as typeof tab },
              replace: true,
            })
          }
          keepMounted={false}
        >
          <Tabs.List aria-label="Chart sections" px="sm" pt="xs">
            {TABS.map(({ tab, label }) => (
              <Tabs.Tab key={tab} value={tab}>
                {label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {TABS.map(({ tab, section, Panel }) => (
            <Tabs.Panel key={tab} value={tab} p="md">
              {Panel ? <Panel patientId={patientId} /> : <ClinicalTable section={section!} patientId={patientId} />}
            </Tabs.Panel>
          ))}
        </Tabs>
      </Paper>
    </Stack>
  );
}
