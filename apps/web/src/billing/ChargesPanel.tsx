import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { ChargeItem } from '@medplum/fhirtypes';
import { IconFileInvoice, IconPlus } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { notifyDone } from '../admin/notify';
import { formatFhirDate } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { AddChargeDialog } from './AddChargeDialog';
import { type ChargeStatusTone, chargesByVisit, type VisitCharges } from './billing-display';
import { ChargeActions } from './ChargeActions';
import { formatMoney } from './money';
import { useInvoiceActions } from './useBilling';

const TONE_COLOR: Record<ChargeStatusTone, string> = {
  provisional: 'yellow.4',
  billable: 'blue.9',
  draft: 'indigo.9',
  billed: 'teal.9',
  voided: 'gray.7',
  other: 'gray.7',
};

export function ChargesPanel({
  patient,
  charges,
  onDrafts,
}: {
  patient: string;
  charges: UseQueryResult<ChargeItem[]>;
  /** Charges already on a draft invoice. */
  onDrafts: Set<string>;
}) {
  const [adding, setAdding] = useState(false);
  const visits = charges.data ? chargesByVisit(charges.data, onDrafts) : [];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="billing-charges-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id="billing-charges-title">
          Visits and charges
        </Title>
        <Button leftSection={<IconPlus size={16} aria-hidden />} variant="light" onClick={() => setAdding(true)}>
          Add charge
        </Button>
      </Group>
      {charges.isPending ? (
        <TableSkeleton rows={3} />
      ) : charges.isError ? (
        <ErrorAlert title="Could not load the charges" error={charges.error} onRetry={() => void charges.refetch()} />
      ) : visits.length === 0 ? (
        <EmptyState title="No charges yet">Add a charge from the service catalog.</EmptyState>
      ) : (
        <Stack gap="lg">
          {visits.map((visit) => (
            <VisitBlock key={visit.encounter ?? 'none'} patient={patient} visit={visit} />
          ))}
        </Stack>
      )}
      {adding && (
        <AddChargeDialog
          patient={patient}
          encounters={visits.flatMap((visit) => (visit.encounter ? [{ id: visit.encounter, date: visit.date }] : []))}
          onClose={() => setAdding(false)}
        />
      )}
    </Paper>
  );
}

function VisitBlock({ patient, visit }: { patient: string; visit: VisitCharges }) {
  const { create } = useInvoiceActions(patient);
  const title = visit.encounter
    ? `Visit of ${visit.date ? formatFhirDate(visit.date.slice(0, 10)) : 'unknown date'}`
    : 'Charges without a visit';
  const generate = () =>
    create.mutate(visit.encounter ? { encounter: visit.encounter, issue: false } : { patient, issue: false }, {
      onSuccess: () => notifyDone('Invoice generated', 'A draft invoice is ready to check and issue.'),
    });
  return (
    <Stack gap="xs" component="article" aria-label={title}>
      <Group justify="space-between" wrap="wrap">
        <Stack gap={0}>
          <Text fw={600}>{title}</Text>
          <Text size="sm" c="dimmed">
            {visit.billableCount
              ? `${visit.billableCount} billable ${visit.billableCount === 1 ? 'charge' : 'charges'}, ${formatMoney(visit.billableTotal, visit.currency)} before tax`
              : visit.lines.some((line) => line.status.tone === 'draft')
                ? 'On a draft invoice: issue it below'
                : 'Nothing left to invoice'}
          </Text>
        </Stack>
        <Button
          size="sm"
          leftSection={<IconFileInvoice size={16} aria-hidden />}
          disabled={visit.billableCount === 0}
          loading={create.isPending}
          onClick={generate}
          aria-label={`Generate invoice for ${title.toLowerCase()}`}
        >
          Generate invoice
        </Button>
      </Group>
      {create.isError && <ErrorAlert title="Could not generate the invoice" error={create.error} />}
      <Table.ScrollContainer minWidth={640}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Service</Table.Th>
              <Table.Th>Modifiers</Table.Th>
              <Table.Th>Diagnoses</Table.Th>
              <Table.Th ta="right">Qty</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visit.lines.map((line) => (
              <Table.Tr key={line.id}>
                <Table.Td>
                  <Text size="sm" fw={600} span>
                    {line.code}
                  </Text>{' '}
                  <Text size="sm" span>
                    {line.description}
                  </Text>
                </Table.Td>
                <Table.Td>{line.modifiers.join(', ') || '—'}</Table.Td>
                <Table.Td>{line.diagnoses.join(', ') || '—'}</Table.Td>
                <Table.Td ta="right">{line.quantity}</Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatMoney(line.amount, line.currency)}
                </Table.Td>
                <Table.Td>
                  <Badge color={TONE_COLOR[line.status.tone]} variant="filled" tt="none" autoContrast>
                    {line.status.label}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <ChargeActions patient={patient} line={line} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
