import { Alert, Badge, Skeleton, Stack, Table, Text } from '@mantine/core';
import { formatFhirDate } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { formatMoney, INVOICE_STATUS, invoiceNumber } from './portal-format';
import { usePortalPatient } from './portal-patient';
import { useInvoices } from './usePortal';

/**
 * The patient's invoices, read-only: the billing API takes payments from billing staff only, so paying
 * happens at the clinic's desk or by the means printed on the invoice.
 */
export function InvoicesPage() {
  const invoices = useInvoices(usePortalPatient());
  return (
    <Stack gap="lg">
      <PageHeader title="Your invoices" />
      <Alert color="blue" variant="light" title="Paying an invoice">
        Online payment is not available yet. Please pay at the clinic's front desk or as described on the invoice.
      </Alert>
      {invoices.isPending && <Skeleton h={120} radius="md" aria-label="Loading invoices" />}
      {invoices.isError && (
        <ErrorAlert
          title="Your invoices could not be loaded"
          error={invoices.error}
          onRetry={() => invoices.refetch()}
        />
      )}
      {invoices.isSuccess && invoices.data.length === 0 && (
        <EmptyState title="No invoices">You owe nothing.</EmptyState>
      )}
      {invoices.data && invoices.data.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="sm" bg="white" aria-label="Invoices">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Invoice</Table.Th>
                <Table.Th>Date</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invoices.data.map((invoice) => (
                <Table.Tr key={invoice.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {invoiceNumber(invoice)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {invoice.lineItem?.length ?? 0} item{invoice.lineItem?.length === 1 ? '' : 's'}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatFhirDate(invoice.date)}</Table.Td>
                  <Table.Td>
                    <Badge variant="filled" color={invoice.status === 'balanced' ? 'teal.9' : 'blue.9'}>
                      {INVOICE_STATUS[invoice.status] ?? invoice.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right" fw={600}>
                    {formatMoney(invoice.totalGross)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
