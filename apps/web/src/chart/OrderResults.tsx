import { Alert, Button, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import type { DiagnosticReport, Observation } from '@medplum/fhirtypes';
import { IconCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { codeText } from './clinical-display';
import { CriticalBadge, ResultFlag } from './ResultFlag';
import { analyteName, flagOf, interpretationCode, observationValueText, referenceRangeText } from './results-display';
import { useAnalyteNames, useOrdersApi } from './useClinicalLists';

/** Acknowledges a result for the signed-in clinician; the inbox and the chart both reload. */
export function useAcknowledge() {
  const api = useOrdersApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reportId: string) => api.acknowledge(reportId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['inbox'] }),
  });
}

function ReportCard({
  report,
  observations,
  acknowledgedAt,
}: {
  report: DiagnosticReport;
  observations: Observation[];
  acknowledgedAt: string | undefined;
}) {
  const acknowledge = useAcknowledge();
  const names = useAnalyteNames();
  const critical = observations.some((observation) => flagOf(interpretationCode(observation))?.critical);
  const name = codeText(report.code) || 'Result';
  return (
    <Stack gap="xs" component="section" aria-label={`Result: ${name}`}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs">
          {critical && <CriticalBadge />}
          <Text size="sm" fw={600}>
            {report.status === 'final' ? 'Final' : report.status} result
          </Text>
          <Text size="sm" c="dimmed">
            issued {formatFhirDateTime(report.issued) || '—'}
          </Text>
        </Group>
        {acknowledgedAt ? (
          <Group gap={4}>
            <IconCheck size={16} aria-hidden />
            <Text size="sm">Acknowledged {formatFhirDateTime(acknowledgedAt)}</Text>
          </Group>
        ) : (
          <Button
            size="compact-sm"
            variant={critical ? 'filled' : 'default'}
            color={critical ? 'red.9' : undefined}
            loading={acknowledge.isPending}
            onClick={() => acknowledge.mutate(report.id!)}
            aria-label={`Acknowledge ${name}`}
          >
            Acknowledge
          </Button>
        )}
      </Group>
      {acknowledge.isError && <ErrorAlert title="The result was not acknowledged" error={acknowledge.error} />}
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label={`${name} values`} withTableBorder verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Test</Table.Th>
              <Table.Th scope="col">Value</Table.Th>
              <Table.Th scope="col">Unit</Table.Th>
              <Table.Th scope="col">Reference range</Table.Th>
              <Table.Th scope="col">Flag</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {observations.map((observation) => {
              const code = interpretationCode(observation);
              const flag = flagOf(code);
              const quantity = observation.valueQuantity;
              return (
                <Table.Tr key={observation.id} bg={flag?.critical ? 'red.0' : undefined}>
                  <Table.Td>
                    {analyteName(
                      observation.code.coding?.[0]?.code,
                      observation.code.coding?.[0]?.display ?? observation.code.text,
                      { code: report.code.coding?.[0]?.code, display: codeText(report.code) },
                      names,
                    )}
                  </Table.Td>
                  <Table.Td fw={flag?.abnormal ? 700 : undefined}>
                    {quantity ? String(quantity.value ?? '—') : observationValueText(observation)}
                  </Table.Td>
                  <Table.Td>{quantity ? (quantity.unit ?? quantity.code ?? '') : ''}</Table.Td>
                  <Table.Td>{referenceRangeText(observation.referenceRange) || '—'}</Table.Td>
                  <Table.Td>
                    <ResultFlag code={code} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {report.conclusion && <Text size="sm">Conclusion: {report.conclusion}</Text>}
    </Stack>
  );
}

/** An order's results: one table per report, with its flags and an Acknowledge button. */
export function OrderResults({ orderId, acknowledged }: { orderId: string; acknowledged: Map<string, string> }) {
  const api = useOrdersApi();
  const order = useQuery({
    queryKey: ['orders', 'one', orderId],
    queryFn: ({ signal }) => api.read(orderId, signal),
  });
  if (order.isPending) return <Skeleton height={48} role="status" aria-label="Loading results" />;
  if (order.isError) {
    return <ErrorAlert title="Results could not be loaded" error={order.error} onRetry={() => order.refetch()} />;
  }
  if (!order.data.results.length) {
    return (
      <Alert variant="light" color="gray" p="xs">
        <Text size="sm">No results yet.</Text>
      </Alert>
    );
  }
  return (
    <Stack gap="md">
      {order.data.results.map(({ report, observations }) => (
        <ReportCard
          key={report.id}
          report={report}
          observations={observations}
          acknowledgedAt={acknowledged.get(report.id!)}
        />
      ))}
    </Stack>
  );
}
