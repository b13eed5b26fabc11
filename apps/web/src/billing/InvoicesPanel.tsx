import { Anchor, Badge, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import type { Invoice } from '@medplum/fhirtypes';
import { IconCash, IconFileTypePdf, IconSend } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { notifyDone } from '../admin/notify';
import { formatFhirDate } from '../format/dates';
import { invoiceNumber } from '../payments/invoice-number';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { type InvoiceSummary, invoiceSummary, type PaymentRow } from './billing-display';
import { formatMoney } from './money';
import { useBillingApi, useInvoiceActions } from './useBilling';

const STATUS_COLOR: Record<string, string> = {
  Draft: 'gray.7',
  Issued: 'blue.9',
  'Partially paid': 'yellow.4',
  Paid: 'teal.9',
  Cancelled: 'red.9',
};

export function InvoicesPanel({
  patient,
  invoices,
  payments,
  onPay,
}: {
  patient: string;
  invoices: UseQueryResult<Invoice[]>;
  payments: UseQueryResult<PaymentRow[]>;
  onPay: (invoice: InvoiceSummary) => void;
}) {
  const billing = useBillingApi();
  const { issue } = useInvoiceActions(patient);
  const rows = (invoices.data ?? [])
    .map((invoice) => invoiceSummary(invoice, payments.data ?? []))
    .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  const error = invoices.error ?? payments.error;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="billing-invoices-title">
      <Title order={2} size="h3" id="billing-invoices-title" mb="sm">
        Invoices
      </Title>
      {invoices.isPending || payments.isPending ? (
        <TableSkeleton rows={2} />
      ) : error ? (
        <ErrorAlert
          title="Could not load the invoices"
          error={error}
          onRetry={() => {
            void invoices.refetch();
            void payments.refetch();
          }}
        />
      ) : rows.length === 0 ? (
        <EmptyState title="No invoices yet">Generate one from a visit's billable charges.</EmptyState>
      ) : (
        <>
          {issue.isError && <ErrorAlert title="Could not issue the invoice" error={issue.error} />}
          <Table.ScrollContainer minWidth={720}>
            <Table striped aria-label="Invoices">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Invoice</Table.Th>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th ta="right">Paid</Table.Th>
                  <Table.Th ta="right">Balance due</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => {
                  const number = invoiceNumber(row.id);
                  return (
                    <Table.Tr key={row.id} data-testid={`invoice-${row.id}`}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {row.creditNote ? 'Credit note' : 'Invoice'} {number}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {row.lineCount} {row.lineCount === 1 ? 'line' : 'lines'}
                        </Text>
                      </Table.Td>
                      <Table.Td>{row.date ? formatFhirDate(row.date.slice(0, 10)) : '—'}</Table.Td>
                      <Table.Td>
                        <Badge
                          color={STATUS_COLOR[row.statusLabel] ?? 'gray.7'}
                          variant="filled"
                          tt="none"
                          autoContrast
                        >
                          {row.statusLabel}
                        </Badge>
                      </Table.Td>
                      <Table.Td ta="right">{formatMoney(row.total, row.currency)}</Table.Td>
                      <Table.Td ta="right">{formatMoney(row.paid, row.currency)}</Table.Td>
                      <Table.Td ta="right" fw={600}>
                        {formatMoney(row.balanceDue, row.currency)}
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {row.status === 'draft' && (
                            <Button
                              size="xs"
                              leftSection={<IconSend size={14} aria-hidden />}
                              loading={issue.isPending && issue.variables === row.id}
                              onClick={() =>
                                issue.mutate(row.id, {
                                  onSuccess: () => notifyDone('Invoice issued', `Invoice ${number} is issued.`),
                                })
                              }
                              aria-label={`Issue invoice ${number}`}
                            >
                              Issue
                            </Button>
                          )}
                          <Anchor
                            href={billing.invoicePdfUrl(row.id)}
                            target="_blank"
                            rel="noopener"
                            size="sm"
                            aria-label={`Open the PDF of invoice ${number} (opens in a new tab)`}
                          >
                            <Group gap={4} wrap="nowrap">
                              <IconFileTypePdf size={16} aria-hidden />
                              PDF
                            </Group>
                          </Anchor>
                          {row.status !== 'draft' && row.balanceDue > 0 && (
                            <Button
                              size="xs"
                              variant="filled"
                              color="teal.9"
                              leftSection={<IconCash size={14} aria-hidden />}
                              onClick={() => onPay(row)}
                              aria-label={`Take payment on invoice ${number}`}
                            >
                              Take payment
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Paper>
  );
}
