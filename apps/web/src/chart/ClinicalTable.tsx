import { Stack, Table, Text } from '@mantine/core';
import { dateSortKey } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import type { ChartSection } from './chart-sections';
import { CHART_PAGE_SIZE, useChartSearch } from './useChartSearch';

/** One tab of the chart: the patient's resources of one type, newest first. */
export function ClinicalTable({ section, patientId }: { section: ChartSection; patientId: string }) {
  const search = useChartSearch(section.resourceType, patientId);
  if (search.isPending) return <TableSkeleton label={`Loading ${section.label.toLowerCase()}`} />;
  if (search.isError) {
    return (
      <ErrorAlert
        title={`${section.label} could not be loaded`}
        error={search.error}
        onRetry={() => search.refetch()}
      />
    );
  }
  const rows = [...search.data.resources].sort(
    (a, b) => dateSortKey(section.dateOf(b)) - dateSortKey(section.dateOf(a)),
  );
  if (!rows.length) return <EmptyState title={section.empty} />;
  const total = search.data.total;
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover aria-label={section.label}>
          <Table.Thead>
            <Table.Tr>
              {section.columns.map((column) => (
                <Table.Th key={column.header}>{column.header}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((resource) => (
              <Table.Tr key={resource.id}>
                {section.columns.map((column) => (
                  <Table.Td key={column.header}>{column.cell(resource)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {total !== undefined && total > rows.length && (
        <Text size="sm" c="dimmed">
          Showing {rows.length} of {total}. Lists longer than {CHART_PAGE_SIZE} entries will page in a later version.
        </Text>
      )}
    </Stack>
  );
}
