import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Table, Text, VisuallyHidden } from '@mantine/core';
import { formatFhirDateTime } from '../format/dates';
import type { VitalTrend } from './vitals-api';
import { pointText, unitLabel } from './vitals-form';

/** One vital sign over time as a line chart (two lines for blood pressure), with the readings as a table for screen readers. */
export function VitalsTrendChart({ label, trend }: { label: string; trend: VitalTrend }) {
  if (!trend.points.length) {
    return <Text c="dimmed">No {label.toLowerCase()} readings in this period.</Text>;
  }
  const isPressure = trend.points.some((point) => point.components);
  const data = trend.points.map((point) => ({
    when: formatFhirDateTime(point.effective),
    ...(isPressure
      ? { systolic: point.components?.systolic ?? null, diastolic: point.components?.diastolic ?? null }
      : { value: point.value ?? null }),
  }));
  const series = isPressure
    ? [
        { name: 'systolic', label: 'Systolic', color: 'red.8' },
        { name: 'diastolic', label: 'Diastolic', color: 'blue.8' },
      ]
    : [{ name: 'value', label, color: 'meridian.7' }];
  const unit = unitLabel(trend.unit);
  return (
    <figure style={{ margin: 0 }} aria-label={`${label} trend chart`}>
      <LineChart
        h={260}
        data={data}
        dataKey="when"
        series={series}
        curveType="linear"
        unit={` ${unit}`}
        withLegend={isPressure}
        yAxisProps={{ domain: ['auto', 'auto'] }}
        connectNulls
      />
      <figcaption>
        <Text size="xs" c="dimmed" mt="xs">
          {trend.points.length} {trend.points.length === 1 ? 'reading' : 'readings'}, latest{' '}
          {pointText(trend.points.at(-1)!, trend.unit)}
          {trend.truncated ? ' (the first 1,000 of this period; choose a shorter range)' : ''}
        </Text>
      </figcaption>
      <VisuallyHidden>
        <Table aria-label={`${label} readings`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>{label}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {trend.points.map((point) => (
              <Table.Tr key={point.observation}>
                <Table.Td>{formatFhirDateTime(point.effective)}</Table.Td>
                <Table.Td>{pointText(point, trend.unit)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </VisuallyHidden>
    </figure>
  );
}
