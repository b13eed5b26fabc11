import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Patient } from '@medplum/fhirtypes';
import { IconCheck, IconClockExclamation } from '@tabler/icons-react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo } from 'react';
import { useFhir } from '../api/useApi';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { useAcknowledge } from '../chart/OrderResults';
import type { InboxResult, OverdueOrder } from '../chart/orders-api';
import { CriticalBadge, ResultFlag } from '../chart/ResultFlag';
import { analyteName, durationText, PRIORITY_LABELS, resultValueText } from '../chart/results-display';
import { useAnalyteNames, useOrdersApi } from '../chart/useClinicalLists';
import { formatFhirDateTime } from '../format/dates';
import { formatPatientName, mrnOf } from '../patients/patient-display';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { TableSkeleton } from '../shared/TableSkeleton';

function idOf(reference: string | undefined): string | undefined {
  return reference?.startsWith('Patient/') ? reference.slice('Patient/'.length) : undefined;
}

/** Names of the patients the inbox mentions, read once each (the inbox itself carries only references). */
function usePatientNames(references: (string | undefined)[]): Map<string, Patient> {
  const fhir = useFhir();
  const ids = [...new Set(references.map(idOf).filter((id): id is string => Boolean(id)))];
  const queries = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['fhir', 'Patient', 'read', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => fhir.read('Patient', id, signal),
      staleTime: 60_000,
    })),
  });
  return new Map(queries.flatMap((query, index) => (query.data ? [[ids[index]!, query.data as Patient]] : [])));
}

function PatientCell({ reference, patients }: { reference: string | undefined; patients: Map<string, Patient> }) {
  const id = idOf(reference);
  if (!id) return <>—</>;
  const patient = patients.get(id);
  const mrn = patient ? mrnOf(patient) : undefined;
  return (
    <Stack gap={0}>
      <Anchor
        fw={600}
        renderRoot={(rootProps) => (
          <Link {...rootProps} to="/patients/$patientId" params={{ patientId: id }} search={{ tab: 'orders' }} />
        )}
      >
        {patient ? formatPatientName(patient) : 'Patient'}
      </Anchor>
      {mrn && (
        <Text size="xs" c="dimmed">
          MRN {mrn}
        </Text>
      )}
    </Stack>
  );
}

function ResultRow({ result, patients }: { result: InboxResult; patients: Map<string, Patient> }) {
  const acknowledge = useAcknowledge();
  const names = useAnalyteNames();
  const test = result.order?.display ?? result.order?.code ?? 'Result';
  return (
    <Table.Tr bg={result.critical && !result.acknowledged ? 'red.0' : undefined}>
      <Table.Td>{result.critical ? <CriticalBadge /> : <Text size="sm">{result.status}</Text>}</Table.Td>
      <Table.Td>
        <PatientCell reference={result.patient} patients={patients} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={600}>
          {test}
        </Text>
        <Text size="xs" c="dimmed">
          Accession {result.order?.accessionNumber ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          {result.observations.map((observation) => (
            <Group key={observation.id} gap="xs" wrap="wrap">
              <Text size="sm">
                {analyteName(observation.code, observation.display, result.order, names)}:{' '}
                <Text span fw={700}>
                  {resultValueText(observation.value, observation.unit, observation.text)}
                </Text>
              </Text>
              {observation.interpretation && <ResultFlag code={observation.interpretation} />}
            </Group>
          ))}
        </Stack>
      </Table.Td>
      <Table.Td>{formatFhirDateTime(result.issued) || '—'}</Table.Td>
      <Table.Td>
        {result.acknowledged ? (
          <Group gap={4} wrap="nowrap">
            <IconCheck size={16} aria-hidden />
            <Text size="sm">{formatFhirDateTime(result.acknowledgedAt)}</Text>
          </Group>
        ) : (
          <Stack gap={4}>
            <Button
              size="compact-sm"
              variant={result.critical ? 'filled' : 'default'}
              color={result.critical ? 'red.9' : undefined}
              loading={acknowledge.isPending}
              onClick={() => acknowledge.mutate(result.reportId)}
              aria-label={`Acknowledge ${test}`}
            >
              Acknowledge
            </Button>
            {acknowledge.isError && (
              <Text size="xs" c="red.9" role="alert">
                {(acknowledge.error as Error).message}
              </Text>
            )}
          </Stack>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function ResultsTable({
  label,
  results,
  patients,
}: {
  label: string;
  results: InboxResult[];
  patients: Map<string, Patient>;
}) {
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table aria-label={label} verticalSpacing="sm" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Flag</Table.Th>
            <Table.Th scope="col">Patient</Table.Th>
            <Table.Th scope="col">Order</Table.Th>
            <Table.Th scope="col">Results</Table.Th>
            <Table.Th scope="col">Issued</Table.Th>
            <Table.Th scope="col">Acknowledged</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {results.map((result) => (
            <ResultRow key={result.reportId} result={result} patients={patients} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function OverdueTable({ orders, patients }: { orders: OverdueOrder[]; patients: Map<string, Patient> }) {
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table aria-label="Overdue orders" verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Patient</Table.Th>
            <Table.Th scope="col">Order</Table.Th>
            <Table.Th scope="col">Priority</Table.Th>
            <Table.Th scope="col">Ordered</Table.Th>
            <Table.Th scope="col">Overdue by</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {orders.map((order) => (
            <Table.Tr key={order.orderId}>
              <Table.Td>
                <PatientCell reference={order.patient} patients={patients} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {order.display ?? order.code}
                </Text>
                <Text size="xs" c="dimmed">
                  Accession {order.accessionNumber ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td>{PRIORITY_LABELS[order.priority] ?? order.priority}</Table.Td>
              <Table.Td>{formatFhirDateTime(order.authoredOn) || '—'}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <IconClockExclamation size={16} aria-hidden />
                  {durationText(order.overdueMinutes)}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Section({ title, count, children }: { title: string; count?: number; children: React.ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Group gap="xs">
          <Title order={2} size="h4">
            {title}
          </Title>
          {count !== undefined && (
            <Badge variant="light" color="gray.7" aria-hidden>
              {count}
            </Badge>
          )}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}

function Inbox() {
  const api = useOrdersApi();
  const inbox = useQuery({
    queryKey: ['inbox', 'all'],
    queryFn: ({ signal }) => api.inbox('all', signal),
    refetchInterval: 60_000,
  });
  const data = inbox.data;
  const patients = usePatientNames([
    ...(data?.results ?? []).map((result) => result.patient),
    ...(data?.overdue ?? []).map((order) => order.patient),
  ]);
  const [fresh, seen] = useMemo(() => {
    const results = data?.results ?? [];
    return [results.filter((result) => !result.acknowledged), results.filter((result) => result.acknowledged)];
  }, [data]);

  const description = data
    ? `${data.newCount} new ${data.newCount === 1 ? 'result' : 'results'}${data.criticalCount ? `, ${data.criticalCount} critical` : ''}`
    : 'Results of your orders and orders still waiting for one';

  return (
    <Stack gap="lg">
      <PageHeader title="Results inbox" description={description} />
      {inbox.isPending ? (
        <TableSkeleton rows={4} label="Loading the results inbox" />
      ) : inbox.isError ? (
        <ErrorAlert title="The inbox could not be loaded" error={inbox.error} onRetry={() => inbox.refetch()} />
      ) : (
        <>
          <Section title="New results" count={fresh.length}>
            {fresh.length ? (
              <ResultsTable label="New results" results={fresh} patients={patients} />
            ) : (
              <EmptyState title="No new results">Results of your orders appear here when they arrive.</EmptyState>
            )}
          </Section>
          <Section title="Overdue orders" count={inbox.data.overdue.length}>
            {inbox.data.overdue.length ? (
              <OverdueTable orders={inbox.data.overdue} patients={patients} />
            ) : (
              <EmptyState title="No overdue orders" />
            )}
          </Section>
          <Section title="Acknowledged" count={seen.length}>
            {seen.length ? (
              <ResultsTable label="Acknowledged results" results={seen} patients={patients} />
            ) : (
              <EmptyState title="Nothing acknowledged yet" />
            )}
          </Section>
          {inbox.data.truncated && (
            <Text size="sm" c="dimmed">
              Only your latest orders are shown.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}

/** The results inbox: new results of the clinician's orders (critical first), overdue orders, acknowledging. */
export function InboxPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.inbox} what="the results inbox">
      <Inbox />
    </RequireRole>
  );
}
