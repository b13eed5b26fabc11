import { Button, Group, Paper, SegmentedControl, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { lazy, Suspense, useState } from 'react';
import { hasAnyRole } from '../auth/roles';
import { useAuth } from '../auth/useAuth';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { RecordVitalsForm } from './RecordVitalsForm';
import { useVitalTrends } from './useVitals';
import type { VitalTrend } from './vitals-api';
import { CHART_VITALS, type ChartVitalType, pointText } from './vitals-form';

// The charting library is only fetched when a chart is first drawn, not with the workspace.
const VitalsTrendChart = lazy(() =>
  import('./VitalsTrendChart').then((module) => ({ default: module.VitalsTrendChart })),
);

const RANGES = [
  { value: '30', label: '30 days' },
  { value: '365', label: '1 year' },
  { value: '1825', label: '5 years' },
  { value: 'all', label: 'All' },
];

function fromOf(range: string): string | undefined {
  if (range === 'all') return undefined;
  return new Date(Date.now() - Number(range) * 86_400_000).toISOString().slice(0, 10);
}

function LatestCard({
  label,
  trend,
  selected,
  onSelect,
}: {
  label: string;
  trend: VitalTrend | undefined;
  selected: boolean;
  onSelect: () => void;
}) {
  const latest = trend?.points.at(-1);
  return (
    <Paper
      component="button"
      type="button"
      withBorder
      radius="md"
      p="sm"
      onClick={onSelect}
      aria-pressed={selected}
      style={{
        textAlign: 'left',
        cursor: 'pointer',
        borderColor: selected ? 'var(--mantine-primary-color-filled)' : undefined,
        background: 'var(--mantine-color-body)',
      }}
    >
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid="latest-value">
        {latest ? pointText(latest, trend!.unit) : '—'}
      </Text>
      <Text size="xs" c="dimmed">
        {latest ? formatFhirDateTime(latest.effective) : 'None recorded'}
      </Text>
    </Paper>
  );
}

/** The Vitals tab: the latest of each vital sign, a trend chart of the one chosen, and recording a new set. */
export function VitalsPanel({ patientId }: { patientId: string }) {
  const { user } = useAuth();
  const canRecord = hasAnyRole(user?.roles ?? [], ['nurse', 'physician']);
  const [range, setRange] = useState('365');
  const [selected, setSelected] = useState<ChartVitalType>('heart-rate');
  const [recording, setRecording] = useState(false);
  const trends = useVitalTrends(patientId, fromOf(range));
  const failed = trends.find((query) => query.isError);
  const selectedIndex = CHART_VITALS.findIndex((vital) => vital.type === selected);
  const selectedVital = CHART_VITALS[selectedIndex]!;
  const selectedTrend = trends[selectedIndex];

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h4">
          Vital signs
        </Title>
        <Group gap="sm">
          <SegmentedControl aria-label="Time range" size="xs" value={range} onChange={setRange} data={RANGES} />
          {canRecord && !recording && (
            <Button size="xs" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setRecording(true)}>
              Record vitals
            </Button>
          )}
        </Group>
      </Group>
      {recording && (
        <Paper withBorder radius="md" p="md">
          <Title order={3} size="h5" mb="sm">
            Record vitals
          </Title>
          <RecordVitalsForm patientId={patientId} onDone={() => setRecording(false)} />
        </Paper>
      )}
      {failed && (
        <ErrorAlert title="Vital signs could not be loaded" error={failed.error} onRetry={() => failed.refetch()} />
      )}
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" aria-label="Latest vital signs" role="group">
        {CHART_VITALS.map((vital, index) =>
          trends[index]?.isPending ? (
            <Skeleton key={vital.type} height={78} radius="md" />
          ) : (
            <LatestCard
              key={vital.type}
              label={vital.label}
              trend={trends[index]?.data}
              selected={vital.type === selected}
              onSelect={() => setSelected(vital.type)}
            />
          ),
        )}
      </SimpleGrid>
      <Paper withBorder radius="md" p="md">
        <Title order={3} size="h5" mb="sm">
          {selectedVital.label} trend
        </Title>
        {selectedTrend?.data ? (
          <Suspense fallback={<Skeleton height={260} aria-label="Loading the chart" />}>
            <VitalsTrendChart label={selectedVital.label} trend={selectedTrend.data} />
          </Suspense>
        ) : (
          <Skeleton height={260} />
        )}
      </Paper>
    </Stack>
  );
}
